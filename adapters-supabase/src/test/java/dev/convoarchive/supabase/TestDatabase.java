package dev.convoarchive.supabase;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import java.util.EnumMap;
import java.util.Map;

/**
 * One real PostgreSQL for the whole test JVM, with one schema per id type. Tests use fresh random
 * users and ids, so they share the tables safely.
 */
final class TestDatabase {

  private static EmbeddedPostgres server;
  private static final Map<IdType, HikariDataSource> POOLS = new EnumMap<>(IdType.class);

  private TestDatabase() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      server = EmbeddedPostgres.start(null);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        POOLS.values().forEach(HikariDataSource::close);
        server.close();
      }));
    }
    return server;
  }

  static String schema(IdType idType) {
    return "live_" + idType.name().toLowerCase();
  }

  static SupabaseDbConfig config(IdType idType) {
    return server().config().withSchema(schema(idType)).withPoolSize(20);
  }

  /** A pool on the schema with {@code idType} ids, created with schema.sql on first use. */
  static synchronized HikariDataSource pool(IdType idType) {
    return POOLS.computeIfAbsent(idType, type -> {
      SupabaseDbConfig config = config(type);
      HikariDataSource pool = SupabaseDatabase.pool(config);
      SupabaseDatabase.applySchema(pool, config.schema(), type);
      return pool;
    });
  }
}
