package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A position in the listing order (keyset paging): "entries after this (archivedAt, id)". Unlike an
 * offset it stays correct when entries are added or removed between pages. Its text form is opaque
 * to callers.
 */
public record Cursor(Instant archivedAt, ConversationId id) {

  private static final String VERSION = "c1";

  public Cursor {
    archivedAt = Timestamps.normalize(archivedAt, "cursor.archivedAt");
    id = Validation.required(id, "cursor.id");
  }

  public String encode() {
    String plain = VERSION + "|" + archivedAt.getEpochSecond() + "|" + archivedAt.getNano() + "|" + id.value();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  public static Cursor decode(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      String[] parts = plain.split("\\|", 4);
      if (parts.length != 4 || !parts[0].equals(VERSION)) {
        throw invalid(text);
      }
      Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      Cursor cursor = new Cursor(at, new ConversationId(parts[3]));
      // Only the exact text this service issues: no other spelling of a position is accepted.
      if (!cursor.encode().equals(text)) {
        throw invalid(text);
      }
      return cursor;
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException | InvalidInputException
        | NullPointerException e) {
      throw invalid(text);
    }
  }

  /** True when {@code entry} comes after this position in {@link ArchiveEntry#NEWEST_FIRST} order. */
  public boolean precedes(ArchiveEntry entry) {
    return ArchiveEntry.NEWEST_FIRST.compare(new ArchiveEntry(id, "", 0, archivedAt, archivedAt, 0), entry) < 0;
  }

  private static InvalidInputException invalid(String text) {
    return new InvalidInputException("cursor",
        "is not a cursor this service issued; pass the nextCursor of a previous page, or none for the first page; got "
            + InvalidInputException.quote(text));
  }
}
