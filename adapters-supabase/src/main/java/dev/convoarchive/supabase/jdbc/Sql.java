package dev.convoarchive.supabase.jdbc;

/** The one way every statement and script of this adapter quotes a name. */
public final class Sql {

  private Sql() {}

  /** {@code name} as a quoted identifier: kept as written (case, spaces, {@code $}), a {@code "} doubled. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code text} as a string literal, for the few places SQL is written into a script's text. */
  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
