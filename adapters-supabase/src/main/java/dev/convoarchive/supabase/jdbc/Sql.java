package dev.convoarchive.supabase.jdbc;

/** The one way every statement and script of this adapter quotes a name. */
public final class Sql {

  private Sql() {}

  /** {@code name} as a quoted identifier: kept as written (case, spaces, {@code $}), a {@code "} doubled. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
