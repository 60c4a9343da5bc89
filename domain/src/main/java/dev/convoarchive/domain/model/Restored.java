package dev.convoarchive.domain.model;

/** What a restore left live, and whether the restore inserted it (or found it live already). */
public record Restored(Conversation conversation, boolean inserted) {}
