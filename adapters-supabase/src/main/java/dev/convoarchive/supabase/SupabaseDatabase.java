package dev.convoarchive.supabase;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.live.LiveTables.Part;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Connection pools and the chat schema. */
public final class SupabaseDatabase {

  private SupabaseDatabase() {}

  /** A pool on the configured database, with prepared statements off behind the transaction pooler. */
  public static HikariDataSource pool(SupabaseDbConfig config) {
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

  /** The scripts shipped for Supabase users (print-sql), each a template of the configured names. */
  public static final List<String> SCRIPTS = List.of("capture", "capture-undo", "service-role", "soft-delete-undo");

  /** The soft-delete kit the capture kit replaced, kept to test the upgrade from it; not printed any more. */
  static final String RETIRED_SOFT_DELETE = "soft-delete";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z][a-z_.]*)}");

  /**
   * One of {@link #SCRIPTS} with its {@code ${...}} names filled in from {@code config}: its schema,
   * service schema and live tables, quoted.
   */
  public static String script(String name, SupabaseDbConfig config) {
    return script(name, config.schema(), config.serviceSchema(), config.tables());
  }

  /** As above, for the app's tables {@code tables} in {@code schema}, and the service's own schema. */
  public static String script(String name, String schema, String serviceSchema, LiveTables tables) {
    if (!SCRIPTS.contains(name) && !name.equals(RETIRED_SOFT_DELETE)) {
      throw new IllegalArgumentException("no script " + name + "; there are " + String.join(", ", SCRIPTS));
    }
    String template;
    try (InputStream in = SupabaseDatabase.class.getResourceAsStream(name + ".sql")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> names = new HashMap<>();
    Map<String, Part> parts = new HashMap<>();
    names.put("schema", Sql.quote(schema));
    names.put("service_schema", Sql.quote(serviceSchema));
    names.put("conversations", Sql.quote(schema) + "." + tables.sql(Part.CONVERSATIONS_TABLE));
    names.put("conversations_literal", Sql.literal(names.get("conversations")));
    names.put("service_schema_name", Sql.literal(serviceSchema));
    names.put("conversations_id_name", Sql.literal(tables.name(Part.CONVERSATIONS_ID).orElseThrow()));
    names.put("conversations_user_id_name", Sql.literal(tables.name(Part.CONVERSATIONS_USER_ID).orElseThrow()));
    LiveTables.AccountTable account = tables.accountTable();
    names.put("account_table", account.toString());
    names.put("account_table_literal", Sql.literal(Sql.quote(account.schema()) + "." + Sql.quote(account.table())));
    names.put("account_column_literal", Sql.literal(account.column()));
    StringBuilder undeclared = new StringBuilder("array[");
    for (LiveTables.UndeclaredKey key : tables.undeclaredKeys()) {
      undeclared.append(undeclared.length() > 6 ? ", " : "").append(Sql.literal(Sql.quote(key.childSchema().orElse(schema)) + "."
          + Sql.quote(key.childTable()))).append("::regclass::oid");
    }
    names.put("undeclared_tables", undeclared.append("]::oid[]").toString());
    names.put("captured_rows_literal", Sql.literal(Sql.quote(serviceSchema) + ".captured_rows"));
    names.put("schema_literal", Sql.literal(schema));
    names.put("conversations_name_literal", Sql.literal(tables.name(Part.CONVERSATIONS_TABLE).orElseThrow()));
    names.put("deleted_at_name_literal", Sql.literal(tables.name(Part.CONVERSATIONS_DELETED_AT).orElseThrow()));
    names.put("messages_literal", tables.name(Part.MESSAGES_TABLE)
        .map(messages -> Sql.literal(Sql.quote(schema) + "." + Sql.quote(messages))).orElse("null::text"));
    String deletedIndex = tables.name(Part.CONVERSATIONS_TABLE).orElseThrow() + "_"
        + tables.name(Part.CONVERSATIONS_DELETED_AT).orElseThrow() + "_idx";
    names.put("deleted_at_index_literal", Sql.literal(deletedIndex.substring(0, Math.min(63, deletedIndex.length()))));
    // The tables of a conversation's tree as the catalog has them when a script runs: the one
    // recursive walk the capture kit and the service role share (ConversationTree reads the same
    // rule at start-up: ON DELETE NO ACTION, RESTRICT or CASCADE ties a table into the tree).
    names.put("tree_oids", "(with recursive tree(relid) as (select " + names.get("conversations_literal")
        + "::regclass::oid union select c.conrelid from pg_constraint c join tree on c.confrelid = tree.relid"
        + " where c.contype = 'f' and c.confdeltype in ('a', 'r', 'c')) select array_agg(relid) from tree)");
    names.put("tag", dollarTag(names.values()));
    tables.name(Part.MESSAGES_TABLE).ifPresent(messages -> names.put("messages", Sql.quote(schema) + "." + Sql.quote(messages)));
    parts.put("messages", Part.MESSAGES_TABLE);
    names.put("conversations.id", tables.sql(Part.CONVERSATIONS_ID));
    names.put("conversations.deleted_at", tables.sql(Part.CONVERSATIONS_DELETED_AT));
    tables.name(Part.CONVERSATIONS_UPDATED_AT).ifPresent(updated -> names.put("conversations.updated_at", Sql.quote(updated)));
    parts.put("conversations.updated_at", Part.CONVERSATIONS_UPDATED_AT);
    names.put("messages.conversation_id", tables.sql(Part.MESSAGES_CONVERSATION_ID));
    String index = tables.name(Part.CONVERSATIONS_TABLE).orElseThrow() + "_"
        + tables.name(Part.CONVERSATIONS_DELETED_AT).orElseThrow() + "_idx";
    names.put("deleted_at_index", Sql.quote(index.substring(0, Math.min(63, index.length()))));
    Matcher placeholder = PLACEHOLDER.matcher(template);
    StringBuilder sql = new StringBuilder();
    while (placeholder.find()) {
      String value = names.get(placeholder.group(1));
      if (value == null && parts.containsKey(placeholder.group(1))) {
        Part part = parts.get(placeholder.group(1));
        throw new InvalidInputException(part.setting(), "is none, and the " + name + " script needs "
            + part.meaning().replaceFirst(", or none$", "").replaceFirst("; none:.*", ""));
      }
      if (value == null) {
        throw new IllegalStateException(name + ".sql names an unknown ${" + placeholder.group(1) + "}");
      }
      placeholder.appendReplacement(sql, Matcher.quoteReplacement(value));
    }
    placeholder.appendTail(sql);
    return sql.toString();
  }

  /** A dollar-quote tag that none of {@code names} contains, so no name can end a function body early. */
  private static String dollarTag(java.util.Collection<String> names) {
    for (int i = 0; ; i++) {
      String tag = "$convo_archive" + (i == 0 ? "" : i) + "$";
      if (names.stream().noneMatch(name -> name.contains(tag))) {
        return tag;
      }
    }
  }

  /**
   * Runs one of {@link #SCRIPTS} (for the configured names) on the configured database, as a user
   * would in the SQL editor.
   */
  public static void runScript(SupabaseDbConfig config, String name) {
    String sql = script(name.replaceFirst("\\.sql$", ""), config);
    try (HikariDataSource pool = pool(config.withPoolSize(1));
        Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
    }
  }

  /** Creates or migrates the service's own schema now (the service does it at start-up too). */
  public static void migrateServiceSchema(SupabaseDbConfig config) {
    try (HikariDataSource pool = pool(config.withPoolSize(2))) {
      dev.convoarchive.supabase.store.ServiceSchema.migrate(pool, config.serviceSchema());
    }
  }

  /**
   * What a conversation is in the configured database: the tree of tables convo-archive archives
   * and restores, with keys, row counts, column types and warnings (the describe-live command).
   */
  public static String describeLive(SupabaseDbConfig config) {
    try (HikariDataSource pool = pool(config.withPoolSize(1))) {
      return PostgresLiveConversations.describe(pool, config.schema(), config.tables());
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
      statement.execute("create schema if not exists " + Sql.quote(schema));
      statement.execute("set search_path to " + Sql.quote(schema));
      statement.execute(schemaSql(idType));
    } catch (SQLException e) {
      throw new IllegalStateException("could not apply schema.sql to schema " + schema + ": " + e.getMessage(), e);
    }
  }
}
