package dev.convoarchive.supabase;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Connection pools and the chat schema. */
public final class SupabaseDatabase {

  private SupabaseDatabase() {}

  /** A pool on the configured database, with prepared statements off behind the transaction pooler. */
  static HikariDataSource pool(SupabaseDbConfig config) {
    return pool(config, "supabase");
  }

  /** As above, named {@code name} in logs and metrics. */
  static HikariDataSource pool(SupabaseDbConfig config, String name) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(config.jdbcUrl());
    if (config.user() != null) {
      hikari.setUsername(config.user());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    // Bounded waits: for a connection, for the database to accept one, and for every answer on it
    // (pgjdbc's socketTimeout; a timed-out connection is closed, so its transaction rolls back).
    long timeoutMillis = config.timeout().toMillis();
    hikari.setConnectionTimeout(timeoutMillis);
    hikari.setValidationTimeout(Math.max(250, Math.min(5_000, timeoutMillis / 2)));
    hikari.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, timeoutMillis / 1000)));
    hikari.addDataSourceProperty("loginTimeout", Long.toString(Math.max(1, timeoutMillis / 1000)));
    hikari.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, timeoutMillis / 1000)));
    hikari.setSchema(config.schema());
    if (!config.preparedStatements()) {
      hikari.addDataSourceProperty("prepareThreshold", "0");
    }
    hikari.addDataSourceProperty("ApplicationName", "convo-archive");
    return new HikariDataSource(hikari);
  }

  /** The schema this project ships, in the common Supabase shape, with uuid ids. */
  static String schemaSql() {
    try (InputStream in = SupabaseDatabase.class.getResourceAsStream("schema.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema with its id columns of {@code idType}. */
  static String schemaSql(IdType idType) {
    String sql = schemaSql();
    if (idType == IdType.TEXT) {
      sql = sql.replace("id uuid primary key default gen_random_uuid()", "id text primary key default gen_random_uuid()::text")
          .replace("user_id uuid not null", "user_id text not null")
          .replace("conversation_id uuid not null", "conversation_id text not null");
    }
    return sql;
  }

  /**
   * Runs one of the SQL scripts shipped for Supabase users ({@code soft-delete.sql},
   * {@code soft-delete-undo.sql}) on the configured database, as a user would in the SQL editor.
   */
  public static void runScript(SupabaseDbConfig config, String name) {
    String sql;
    try (InputStream in = SupabaseDatabase.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no script " + name);
      }
      sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (HikariDataSource pool = pool(config.withPoolSize(1));
        Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Creates the chat tables of schema.sql, with {@code idType} ids, in the configured schema if they
   * are missing: what local mode and tests do; a real chat app has its own tables.
   */
  public static void applySchema(SupabaseDbConfig config, IdType idType) {
    try (HikariDataSource pool = pool(config.withPoolSize(1))) {
      applySchema(pool, config.schema(), idType);
    }
  }

  /** Creates the tables in {@code schema} if they are missing. */
  static void applySchema(DataSource dataSource, String schema, IdType idType) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create schema if not exists \"" + schema + "\"");
      statement.execute("set search_path to \"" + schema + "\"");
      statement.execute(schemaSql(idType));
    } catch (SQLException e) {
      throw new IllegalStateException("could not apply schema.sql to schema " + schema + ": " + e.getMessage(), e);
    }
  }
}
