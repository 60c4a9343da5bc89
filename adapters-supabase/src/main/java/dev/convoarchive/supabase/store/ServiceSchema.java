package dev.convoarchive.supabase.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The service's own schema in the live database (the per-file catalog), created and migrated
 * with Flyway and its own history table. Flyway takes a PostgreSQL advisory lock while it
 * migrates, so any number of instances may start at once: one migrates, the others wait and find
 * the schema up to date.
 */
public final class ServiceSchema {

  static final String HISTORY_TABLE = "convo_archive_schema_history";

  private ServiceSchema() {}

  /** Brings {@code schema} up to date; returns how many migrations this call applied. */
  public static int migrate(DataSource dataSource, String schema) {
    try {
      return Flyway.configure()
          .dataSource(dataSource)
          .schemas(schema)
          .createSchemas(true)
          .table(HISTORY_TABLE)
          .locations("classpath:dev/convoarchive/supabase/migration")
          .load()
          .migrate()
          .migrationsExecuted;
    } catch (FlywayException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new IllegalStateException("could not create or migrate convo-archive's schema " + schema
          + " in the live database (the database user needs to create a schema and tables): " + e.getMessage()
          + (root == e ? "" : " (" + root + ")"), e);
    }
  }
}
