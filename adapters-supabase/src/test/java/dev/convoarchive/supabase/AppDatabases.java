package dev.convoarchive.supabase;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.supabase.live.IdType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * One database per {@link ChatApp} on the test JVM's PostgreSQL, made from the app's DDL on first
 * use, so that each app's tables sit in {@code public} as the app has them.
 */
public final class AppDatabases {

  private static final Map<ChatApp, HikariDataSource> POOLS = new EnumMap<>(ChatApp.class);

  private AppDatabases() {}

  /** The live store's configuration for the app's database (its tables named by the app's settings). */
  public static SupabaseDbConfig config(ChatApp app) {
    pool(app);
    SupabaseDbConfig server = TestDatabase.server().config();
    return server.withJdbcUrl(server.jdbcUrl().replaceFirst("/postgres$", "/" + database(app))).withTables(app.tables())
        .withPoolSize(10);
  }

  /** A pool on the app's database, created with its DDL on first use. */
  public static synchronized DataSource pool(ChatApp app) {
    return POOLS.computeIfAbsent(app, a -> {
      try (Connection admin = TestDatabase.pool(IdType.UUID).getConnection(); Statement statement = admin.createStatement()) {
        statement.execute("drop database if exists " + database(a));
        statement.execute("create database " + database(a));
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      SupabaseDbConfig server = TestDatabase.server().config();
      HikariDataSource pool = SupabaseDatabase.pool(server.withJdbcUrl(
          server.jdbcUrl().replaceFirst("/postgres$", "/" + database(a))).withPoolSize(10));
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute(a.ddl());
      } catch (SQLException e) {
        throw new IllegalStateException("loading " + a + "'s tables failed", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
      return pool;
    });
  }

  private static final java.util.concurrent.atomic.AtomicInteger FRESH = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * A database of the app's own, apart from the shared one, for tests that install triggers or
   * run sweepers: its configuration (the app's settings, the service's schema migrated).
   */
  public static SupabaseDbConfig fresh(ChatApp app) {
    String name = database(app) + "_" + ProcessHandle.current().pid() + "_" + FRESH.incrementAndGet();
    try (Connection admin = TestDatabase.pool(IdType.UUID).getConnection(); Statement statement = admin.createStatement()) {
      statement.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    SupabaseDbConfig server = TestDatabase.server().config();
    SupabaseDbConfig config = server.withJdbcUrl(server.jdbcUrl().replaceFirst("/postgres$", "/" + name))
        .withTables(app.tables()).withPoolSize(10);
    try (HikariDataSource pool = SupabaseDatabase.pool(config.withPoolSize(2))) {
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute(app.ddl());
      } catch (SQLException e) {
        throw new IllegalStateException("loading " + app + "'s tables failed", e);
      }
      dev.convoarchive.supabase.store.ServiceSchema.migrate(pool, config.serviceSchema());
    }
    return config;
  }

  private static String database(ChatApp app) {
    return "app_" + app.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Every row of every table in the app's schemas ({@code public}, and {@code auth} where it has
   * one) as {@code to_jsonb} text, by table: the whole database as the app sees it.
   */
  public static Map<String, java.util.List<String>> everyRow(DataSource pool) throws SQLException {
    Map<String, java.util.List<String>> rows = new TreeMap<>();
    try (Connection connection = pool.getConnection()) {
      java.util.List<String> tables = new java.util.ArrayList<>();
      try (ResultSet names = connection.createStatement().executeQuery("select quote_ident(table_schema) || '.' || "
          + "quote_ident(table_name) from information_schema.tables where table_schema in ('public', 'auth') "
          + "and table_type = 'BASE TABLE'")) {
        while (names.next()) {
          tables.add(names.getString(1));
        }
      }
      for (String table : tables) {
        java.util.List<String> values = new java.util.ArrayList<>();
        try (ResultSet result = connection.createStatement().executeQuery(
            "select to_jsonb(t)::text from " + table + " t order by 1")) {
          while (result.next()) {
            values.add(result.getString(1));
          }
        }
        rows.put(table, values);
      }
    }
    return rows;
  }
}
