package dev.convoarchive.domain.error;

/** A value failed validation before any I/O happened. */
public final class InvalidInputException extends ArchiveException {

  private final String field;

  public InvalidInputException(String field, String problem) {
    super(field + ": " + problem, null);
    this.field = field;
  }

  /** The name of the offending field or parameter, as a caller spells it. */
  public String field() {
    return field;
  }

  /** Quotes a user-supplied value for an error message without echoing control characters or megabytes. */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    int shown = 0;
    for (int i = 0; i < value.length() && shown < 64; i++, shown++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && !Character.isLetterOrDigit(c))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (value.length() > shown) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.append('"').toString();
  }
}
