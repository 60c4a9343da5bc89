package dev.convoarchive.supabase;

import dev.convoarchive.domain.port.LiveConversations;
import javax.sql.DataSource;

/** Builds the live store on a data source whose tables already exist. */
public final class SupabaseLive {

  private SupabaseLive() {}

  /** Reads the id column types of {@code schema} once; fails with what to do when tables are missing. */
  public static LiveConversations create(DataSource dataSource, String schema) {
    return new PostgresLiveConversations(dataSource, IdColumns.detect(dataSource, schema));
  }
}
