package dev.convoarchive.domain.model;

import java.time.Instant;
import java.util.Comparator;

/** One row of a user's archive listing: enough to show it without fetching the conversation. */
public record ArchiveEntry(
    ConversationId id, String title, int messageCount, Instant createdAt, Instant archivedAt, long sizeBytes) {

  /** The listing order: newest {@code archivedAt} first, ties broken by id so that pages are stable. */
  public static final Comparator<ArchiveEntry> NEWEST_FIRST =
      Comparator.comparing(ArchiveEntry::archivedAt).reversed()
          .thenComparing(entry -> entry.id().value());

  public ArchiveEntry {
    id = Validation.required(id, "entry.id");
    title = title == null ? "" : title;
    createdAt = Timestamps.normalize(createdAt, "entry.createdAt");
    archivedAt = Timestamps.normalize(archivedAt, "entry.archivedAt");
  }

  /** The entry for an archived conversation whose stored form takes {@code sizeBytes}. */
  public static ArchiveEntry of(ArchivedConversation archived, long sizeBytes) {
    Conversation c = archived.conversation();
    return new ArchiveEntry(c.id(), c.title(), c.messages().size(), c.createdAt(), archived.archivedAt(), sizeBytes);
  }

  /** Where this entry sits in the listing order, as a cursor pointing just after it. */
  public Cursor position() {
    return new Cursor(archivedAt, id);
  }
}
