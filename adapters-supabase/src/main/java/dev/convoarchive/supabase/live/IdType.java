package dev.convoarchive.supabase.live;

/** The SQL type of an id column, as far as the ids it can hold go: chat apps use all three. */
public enum IdType {
  UUID, TEXT, INTEGER;

  /** From a column's type as information_schema or format_type spells it. */
  static IdType of(String type) {
    String base = type.replaceAll("\\(.*", "").strip();
    return switch (base) {
      case "uuid" -> UUID;
      case "smallint", "integer", "bigint" -> INTEGER;
      default -> TEXT;
    };
  }
}
