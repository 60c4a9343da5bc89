package dev.convoarchive.domain.search;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.model.ConversationId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;

/**
 * A position in a search's results (keyset paging): "hits after this (rank, archivedAt, id)",
 * best rank first, then newest, then by id. It names its query by fingerprint, so that it is
 * refused with another query. Its text form is opaque to callers.
 */
public record SearchCursor(double rank, Instant archivedAt, ConversationId id, String query) {

  private static final String VERSION = "s1";

  /** The results' order: best rank first, then newest archive, then id. */
  public static final Comparator<SearchHit> BEST_FIRST = Comparator.comparingDouble(SearchHit::rank).reversed()
      .thenComparing(hit -> hit.entry().archivedAt(), Comparator.reverseOrder())
      .thenComparing(hit -> hit.entry().id().value());

  public String encode() {
    String plain = VERSION + "|" + Long.toHexString(Double.doubleToLongBits(rank)) + "|" + archivedAt.getEpochSecond() + "|"
        + archivedAt.getNano() + "|" + query + "|" + id.value();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor {@code text} names, for {@code forQuery}; anything else is an {@link InvalidInputException}. */
  public static SearchCursor decode(String text, SearchQuery forQuery) {
    SearchCursor cursor;
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      String[] parts = plain.split("\\|", 6);
      if (parts.length != 6 || !parts[0].equals(VERSION)) {
        throw invalid(text);
      }
      cursor = new SearchCursor(Double.longBitsToDouble(Long.parseUnsignedLong(parts[1], 16)),
          Instant.ofEpochSecond(Long.parseLong(parts[2]), Long.parseLong(parts[3])), new ConversationId(parts[5]), parts[4]);
      if (!cursor.encode().equals(text)) {
        throw invalid(text);
      }
    } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException | NullPointerException e) {
      throw invalid(text);
    }
    if (!cursor.query().equals(forQuery.fingerprint())) {
      throw new InvalidInputException("cursor", "belongs to another search; pass it with the same q it came with");
    }
    return cursor;
  }

  /** True when {@code hit} comes after this position in {@link #BEST_FIRST} order. */
  public boolean precedes(SearchHit hit) {
    return BEST_FIRST.compare(new SearchHit(new dev.convoarchive.domain.model.ArchiveEntry(id, "", 0, archivedAt, archivedAt, 0),
        null, rank), hit) < 0;
  }

  private static InvalidInputException invalid(String text) {
    return new InvalidInputException("cursor",
        "is not a cursor this service issued; pass the nextCursor of a previous page, or none for the first page; got "
            + InvalidInputException.quote(text));
  }
}
