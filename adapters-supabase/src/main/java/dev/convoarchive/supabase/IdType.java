package dev.convoarchive.supabase;

/** The SQL type of the id columns; chat apps use either. */
public enum IdType {
  UUID, TEXT
}
