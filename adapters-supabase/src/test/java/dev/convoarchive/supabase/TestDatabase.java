package dev.convoarchive.supabase;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import dev.convoarchive.supabase.live.IdType;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The one real PostgreSQL of a test JVM, with one schema per id type, also for the modules that
 * test on top of this one (this module's test-jar). Tests use fresh random users and ids, so they
 * share the tables safely.
 */
public final class TestDatabase {

  private static EmbeddedPostgres server;
  private static final Map<IdType, HikariDataSource> POOLS = new EnumMap<>(IdType.class);

  private TestDatabase() {}

  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      server = EmbeddedPostgres.start(null);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        POOLS.values().forEach(HikariDataSource::close);
        server.close();
      }));
    }
    return server;
  }

  public static String schema(IdType idType) {
    return "live_" + idType.name().toLowerCase();
  }

  public static SupabaseDbConfig config(IdType idType) {
    return server().config().withSchema(schema(idType)).withPoolSize(20);
  }

  /** A pool on the schema with {@code idType} ids, created with schema.sql on first use. */
  public static synchronized DataSource pool(IdType idType) {
    return POOLS.computeIfAbsent(idType, type -> {
      SupabaseDbConfig config = config(type);
      HikariDataSource pool = SupabaseDatabase.pool(config);
      SupabaseDatabase.applySchema(pool, config.schema(), type);
      return pool;
    });
  }
}
