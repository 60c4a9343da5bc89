package dev.convoarchive.domain.model;

/** What storing into the archive did: {@code created} is false when the id was already archived. */
public record StoreResult(ArchiveEntry entry, boolean created) {}
