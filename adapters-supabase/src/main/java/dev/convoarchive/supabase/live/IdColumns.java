package dev.convoarchive.supabase.live;

import java.util.regex.Pattern;

/**
 * The types of the conversation table's id and owner columns as the database has them. Values are
 * bound untyped so PostgreSQL coerces them to whichever type a column has; a value the column
 * cannot hold (not a uuid, not an integer) is caught here, before it could become an SQL error.
 */
record IdColumns(IdType conversationId, IdType userId) {

  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * The spellings PostgreSQL's uuid input accepts within an id's alphabet: 32 hex digits in either
   * case, with an optional hyphen after any group of four.
   */
  private static final Pattern UUID_INPUT = Pattern.compile("[0-9a-fA-F]{4}(-?[0-9a-fA-F]{4}){7}");

  /** The canonical form (lower case, 8-4-4-4-12) of a value a uuid column reads as a uuid; others as given. */
  static String canonical(IdType type, String value) {
    if (type != IdType.UUID || !UUID_INPUT.matcher(value).matches()) {
      return value;
    }
    String hex = value.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
        + "-" + hex.substring(20);
  }

  private static final Pattern INTEGER_TEXT = Pattern.compile("-?[1-9][0-9]{0,18}|0");

  static boolean fits(IdType type, String value) {
    return switch (type) {
      case TEXT -> true;
      case UUID -> UUID_TEXT.matcher(value).matches();
      case INTEGER -> INTEGER_TEXT.matcher(value).matches() && fitsLong(value);
    };
  }

  private static boolean fitsLong(String value) {
    try {
      Long.parseLong(value);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
