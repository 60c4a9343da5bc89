package dev.convoarchive.supabase;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.supabase.live.LiveTables;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How to reach the live database.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://} URL without credentials
 * @param user the database user
 * @param password the password (never logged)
 * @param poolSize the most connections held at once
 * @param schema the schema of the app's conversation table (LIVE_SCHEMA); the tables of its tree may be in any
 * @param preparedStatements false behind Supabase's transaction-mode pooler (port 6543), which
 *     cannot keep server-side prepared statements across transactions
 * @param serviceSchema the schema of convo-archive's own tables (the per-file catalog), created and
 *     migrated at start-up; never {@code public}, so Supabase's REST API does not expose it
 * @param timeout the longest the service waits for the database: for a connection from the pool
 *     and for each answer on one; a database that stops answering fails the request (503)
 *     instead of holding it
 * @param tables the names of the app's live tables and columns (schema.sql's by default)
 */
public record SupabaseDbConfig(
    String jdbcUrl, String user, String password, int poolSize, String schema, boolean preparedStatements,
    String serviceSchema, Duration timeout, LiveTables tables) {

  public static final int DEFAULT_POOL_SIZE = 10;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  public static final String DEFAULT_SCHEMA = "public";
  public static final String DEFAULT_SERVICE_SCHEMA = "convo_archive";
  /** The port of Supabase's transaction-mode pooler (Supavisor). */
  public static final int TRANSACTION_POOLER_PORT = 6543;


  public SupabaseDbConfig {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new InvalidInputException("SUPABASE_DB_URL", "must be a postgres:// or jdbc:postgresql:// URL");
    }
    if (poolSize < 1 || poolSize > 200) {
      throw new InvalidInputException("ARCHIVE_DB_POOL_SIZE", "must be between 1 and 200; got " + poolSize);
    }
    checkSchema("LIVE_SCHEMA", schema);
    checkServiceSchema(serviceSchema);
    tables = tables == null ? LiveTables.DEFAULT : tables;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.toMillis() < 1000 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new InvalidInputException("ARCHIVE_DB_TIMEOUT", "must be between 1 second and 10 minutes; got " + timeout);
    }
  }

  /**
   * The app's schema: any name PostgreSQL takes (it is always quoted), 1 to 63 characters without
   * control characters.
   */
  static String checkSchema(String setting, String schema) {
    if (schema == null || schema.isEmpty() || schema.length() > 63 || schema.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(setting, "must be a schema name of 1 to 63 characters, such as public; got "
          + InvalidInputException.quote(schema));
    }
    return schema;
  }

  /**
   * The service's own schema: any name PostgreSQL takes (it is always quoted) other than public,
   * so Supabase's REST API never exposes it.
   */
  static String checkServiceSchema(String serviceSchema) {
    checkSchema("ARCHIVE_DB_SCHEMA", serviceSchema);
    if (serviceSchema.equals("public")) {
      throw new InvalidInputException("ARCHIVE_DB_SCHEMA",
          "must be a schema other than public, where Supabase's REST API would expose the archive's index; use e.g. " + DEFAULT_SERVICE_SCHEMA);
    }
    return serviceSchema;
  }

  /**
   * Reads the URL forms Supabase shows: {@code postgres://user:pass@host:port/db?sslmode=require}
   * or {@code postgresql://...}, or a {@code jdbc:postgresql://} URL with {@code user} and
   * {@code password} parameters. Prepared statements are turned off on the pooler port 6543.
   */
  public static SupabaseDbConfig fromUrl(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("SUPABASE_DB_URL", "is empty; give the database URL from Supabase's Connect dialog");
    }
    String text = url.trim();
    if (text.startsWith("jdbc:postgresql://")) {
      URI uri = parse(text.substring("jdbc:".length()));
      return new SupabaseDbConfig(text, null, null, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA, uri.getPort() != TRANSACTION_POOLER_PORT,
          DEFAULT_SERVICE_SCHEMA, DEFAULT_TIMEOUT, LiveTables.DEFAULT);
    }
    if (!text.startsWith("postgres://") && !text.startsWith("postgresql://")) {
      throw new InvalidInputException("SUPABASE_DB_URL",
          "must start with postgres://, postgresql:// or jdbc:postgresql://; got a URL starting "
              + InvalidInputException.quote(text.substring(0, Math.min(12, text.length()))));
    }
    URI uri = parse(text);
    if (uri.getHost() == null) {
      throw new InvalidInputException("SUPABASE_DB_URL", "has no host");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    String database = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "postgres" : uri.getRawPath().substring(1);
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + database
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new SupabaseDbConfig(jdbc, user, password, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA, port != TRANSACTION_POOLER_PORT,
        DEFAULT_SERVICE_SCHEMA, DEFAULT_TIMEOUT, LiveTables.DEFAULT);
  }

  public SupabaseDbConfig withPoolSize(int poolSize) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withSchema(String schema) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withServiceSchema(String serviceSchema) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withJdbcUrl(String jdbcUrl) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withTables(LiveTables tables) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withTimeout(Duration timeout) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  public SupabaseDbConfig withPreparedStatements(boolean preparedStatements) {
    return new SupabaseDbConfig(jdbcUrl, user, password, poolSize, schema, preparedStatements, serviceSchema, timeout, tables);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "SupabaseDbConfig[jdbcUrl=" + jdbcUrl.replaceAll("password=[^&]*", "password=***") + ", user=" + user
        + ", poolSize=" + poolSize + ", schema=" + schema + ", preparedStatements=" + preparedStatements
        + ", serviceSchema=" + serviceSchema + ", timeout=" + timeout + ", tables=" + tables + "]";
  }

  private static URI parse(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidInputException("SUPABASE_DB_URL",
          "is not a valid URL (" + e.getReason() + "); percent-encode special characters in the password");
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
