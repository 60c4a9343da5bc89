package dev.convoarchive.domain.model;

import dev.convoarchive.domain.error.InvalidInputException;

/** Which page of a listing to return: at most {@code limit} entries after {@code after} (null = from the start). */
public record PageRequest(int limit, Cursor after) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT + "; got " + limit);
    }
  }

  public static PageRequest first(int limit) {
    return new PageRequest(limit, null);
  }

  /** Builds a request from query-string text; a null limit means the default, a null cursor the first page. */
  public static PageRequest parse(String limit, String cursor) {
    int parsedLimit = DEFAULT_LIMIT;
    if (limit != null) {
      try {
        parsedLimit = Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        throw new InvalidInputException("limit",
            "must be a whole number between 1 and " + MAX_LIMIT + "; got " + InvalidInputException.quote(limit));
      }
    }
    return new PageRequest(parsedLimit, cursor == null ? null : Cursor.decode(cursor));
  }
}
