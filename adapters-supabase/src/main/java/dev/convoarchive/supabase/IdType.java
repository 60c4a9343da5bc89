package dev.convoarchive.supabase;

/** The SQL type of the id columns; chat apps use either. */
public enum IdType {
  UUID, TEXT;

  /** From information_schema's data_type of an id column (uuid, text or character varying). */
  static IdType of(String dataType) {
    return dataType.equals("uuid") ? UUID : TEXT;
  }
}
