package dev.convoarchive.http.support;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.live.IdType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own on the test server, shaped like a Supabase project with a chat app:
 * the API roles, the chat tables with row-level security, and (optionally) soft-delete.sql.
 * Queries "as the app" run as the {@code authenticated} role with a user's JWT claims, as
 * supabase-js's requests do through PostgREST.
 */
public final class AppDatabase {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private final SupabaseDbConfig config;

  private AppDatabase(SupabaseDbConfig config) {
    this.config = config;
  }

  /** A fresh database with the chat tables, the roles and the app's policies. */
  public static AppDatabase create(boolean softDelete) {
    SupabaseDbConfig config = empty().config();
    SupabaseDatabase.applySchema(config, IdType.UUID);
    AppDatabase database = new AppDatabase(config);
    database.execute(resource("/supabase-app.sql"));
    if (softDelete) {
      SupabaseDatabase.runScript(config, "soft-delete.sql");
    }
    return database;
  }

  /** A fresh database with Supabase's API roles and no tables, for tables a test creates itself. */
  public static AppDatabase empty() {
    SupabaseDbConfig server = TestStores.database();
    String name = "app_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
    try (Connection connection = plain(server.jdbcUrl(), server).getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    AppDatabase database = new AppDatabase(server.withJdbcUrl(server.jdbcUrl().replaceAll("/[a-z0-9_]+$", "/" + name)));
    database.execute(resource("/supabase-roles.sql"));
    return database;
  }

  /** The first column of the first row, as text (null when there is no row). */
  public String text(String sql) {
    try (Connection connection = pool().getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public SupabaseDbConfig config() {
    return config;
  }

  public DataSource pool() {
    return plain(config.jdbcUrl(), config);
  }

  public void execute(String sql) {
    try (Connection connection = pool().getConnection(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Inserts {@code perUser} conversations with {@code messages} messages each for every user, all
   * marked deleted, in two statements (thousands in well under a second); returns their ids by user.
   */
  public Map<UserId, Set<String>> seedDeleted(List<UserId> users, int perUser, int messages) {
    try (Connection connection = pool().getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement conversations = connection.prepareStatement(
              "insert into conversations (id, user_id, title, deleted_at) select gen_random_uuid(), u, 'seeded ' || g, now() "
                  + "from unnest(?::uuid[]) u, generate_series(1, ?) g");
          PreparedStatement content = connection.prepareStatement(
              "insert into messages (id, conversation_id, role, content, created_at) "
                  + "select gen_random_uuid(), c.id, 'user', 'seeded message ' || g, c.created_at + g * interval '1 millisecond' "
                  + "from conversations c, generate_series(1, ?) g where c.title like 'seeded %' and c.user_id = any(?::uuid[])")) {
        String[] ids = users.stream().map(UserId::toString).toArray(String[]::new);
        conversations.setArray(1, connection.createArrayOf("uuid", ids));
        conversations.setInt(2, perUser);
        conversations.executeUpdate();
        content.setInt(1, messages);
        content.setArray(2, connection.createArrayOf("uuid", ids));
        content.executeUpdate();
      }
      connection.commit();
      Map<UserId, Set<String>> seeded = new HashMap<>();
      try (PreparedStatement select = connection.prepareStatement(
          "select user_id::text, id::text from conversations where user_id = any(?::uuid[]) and deleted_at is not null")) {
        select.setArray(1, connection.createArrayOf("uuid", users.stream().map(UserId::toString).toArray()));
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            seeded.computeIfAbsent(UserId.parse(rows.getString(1)), user -> new HashSet<>()).add(rows.getString(2));
          }
        }
      }
      return seeded;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a conversation as the signed-in user would through supabase-js; returns the rows the app saw deleted. */
  public int deleteAsApp(UserId user, ConversationId id) {
    return asApp(user, "delete from public.conversations where id = '" + id.value() + "'::uuid");
  }

  /** Rows of the conversation, and of its messages, that the signed-in user can see. */
  public long visibleToApp(UserId user, ConversationId id) {
    return countAsApp(user, "select (select count(*) from public.conversations where id = '" + id.value() + "'::uuid) "
        + "+ (select count(*) from public.messages where conversation_id = '" + id.value() + "'::uuid)");
  }

  /** Counts with the service's privileges (RLS bypassed). */
  public long count(String sql) {
    try (Connection connection = pool().getConnection(); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private int asApp(UserId user, String sql) {
    try (Connection connection = pool().getConnection()) {
      connection.setAutoCommit(false);
      claims(connection, user);
      try (Statement statement = connection.createStatement()) {
        int rows = statement.executeUpdate(sql);
        connection.commit();
        return rows;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long countAsApp(UserId user, String sql) {
    try (Connection connection = pool().getConnection()) {
      connection.setAutoCommit(false);
      claims(connection, user);
      try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
        row.next();
        long count = row.getLong(1);
        connection.commit();
        return count;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void claims(Connection connection, UserId user) throws SQLException {
    try (Statement role = connection.createStatement()) {
      role.execute("set local role authenticated");
    }
    try (PreparedStatement set = connection.prepareStatement("select set_config('request.jwt.claims', ?, true)")) {
      set.setString(1, "{\"sub\":\"" + user + "\",\"role\":\"authenticated\"}");
      set.execute();
    }
  }

  private static DataSource plain(String url, SupabaseDbConfig credentials) {
    PGSimpleDataSource plain = new PGSimpleDataSource();
    plain.setUrl(url);
    plain.setUser(credentials.user());
    plain.setPassword(credentials.password());
    return plain;
  }

  private static String resource(String name) {
    try (InputStream in = AppDatabase.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ids of {@code user}'s conversations still in the live table. */
  public Set<String> liveIds(UserId user) {
    Set<String> ids = new HashSet<>();
    try (var connection = pool().getConnection();
        var select = connection.prepareStatement("select id::text from conversations where user_id = ?::uuid")) {
      select.setString(1, user.toString());
      try (var rows = select.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getString(1));
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }
}
