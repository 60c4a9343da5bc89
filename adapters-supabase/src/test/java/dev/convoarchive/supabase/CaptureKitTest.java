package dev.convoarchive.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.live.LiveTables.Part;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import dev.convoarchive.supabase.store.ServiceSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The capture kit on three real apps' tables: the app deletes a conversation its own way (through
 * row-level security as supabase-js does, children first in statements of their own, or by
 * cascade), every row of its tree is copied into the outbox in that same transaction, and the
 * conversation rebuilt from there restores row-identical. The service's own deletes, and deletes
 * rolled back, are not captured.
 */
class CaptureKitTest {

  private static long count(DataSource pool, String sql) throws SQLException {
    try (Connection connection = pool.getConnection(); ResultSet row = connection.createStatement().executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  private static Conversation written(ChatApp app, DataSource pool) throws SQLException {
    Conversation conversation = Conversations.sample(UserId.random(), 3);
    try (Connection connection = pool.getConnection()) {
      app.write(connection, conversation);
    }
    return conversation;
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void theAppsOwnDeleteIsCapturedWholeAndRestoresRowIdentical(ChatApp app) throws SQLException {
    SupabaseDbConfig config = AppDatabases.fresh(app);
    SupabaseDatabase.runScript(config, "capture");
    try (HikariDataSource pool = SupabaseDatabase.pool(config)) {
      PostgresLiveConversations live = PostgresLiveConversations.on(pool, "public", app.tables(), config.serviceSchema(),
          Clock.systemUTC());
      Conversation deleted = written(app, pool);
      Conversation kept = written(app, pool);
      Map<String, List<String>> before = AppDatabases.everyRow(pool);
      int treeRows;
      try (Connection connection = pool.getConnection()) {
        treeRows = ((List<?>) live.find(deleted.owner(), deleted.id()).orElseThrow().liveRows().get("tables")).stream()
            .mapToInt(t -> ((List<?>) ((Map<?, ?>) t).get("rows")).size()).sum();
        app.delete(connection, deleted);
      }

      assertThat(live.find(deleted.owner(), deleted.id())).as("gone from the live tables at once").isEmpty();
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).isEqualTo(treeRows);
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows where is_root and conversation_id = '"
          + deleted.id() + "' and user_id = '" + deleted.owner() + "'")).isEqualTo(1);

      Conversation captured = live.moveOut(deleted.owner(), deleted.id(), c -> c).orElseThrow();

      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).as("taken out of the outbox").isZero();
      assertThat(captured.messages()).extracting(m -> m.content())
          .containsExactlyElementsOf(deleted.messages().stream().map(m -> m.content()).toList());
      live.restore(captured);
      assertThat(AppDatabases.everyRow(pool)).isEqualTo(before);
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).isZero();

      // The service's own move is not captured: it is archived by the move itself.
      live.moveOut(kept.owner(), kept.id(), c -> c).orElseThrow();
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aDeleteRolledBackCapturesNothingAndUndoRemovesEveryTrigger(ChatApp app) throws SQLException {
    SupabaseDbConfig config = AppDatabases.fresh(app);
    SupabaseDatabase.runScript(config, "capture");
    SupabaseDatabase.runScript(config, "capture"); // idempotent
    try (HikariDataSource pool = SupabaseDatabase.pool(config)) {
      Conversation conversation = written(app, pool);
      try (Connection connection = pool.getConnection()) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          statement.execute("delete from " + app.conversationTable() + " where id = '" + conversation.id() + "'");
        } catch (SQLException noActionKeys) {
          // ai-chatbot's keys refuse it: nothing deleted either way
        }
        connection.rollback();
      }
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).isZero();
      assertThat(count(pool, "select count(*) from pg_trigger where tgname = 'convo_archive_capture'")).isGreaterThan(2);
      assertThat(SupabaseDatabase.describeLive(config)).contains(", deletes captured)")
          .doesNotContain("The app's deletes are not captured");

      SupabaseDatabase.runScript(config, "capture-undo");

      assertThat(count(pool, "select count(*) from pg_trigger where tgname like 'convo_archive_capture%'")).isZero();
      try (Connection connection = pool.getConnection()) {
        app.delete(connection, conversation);
      }
      assertThat(count(pool, "select count(*) from convo_archive.captured_rows")).as("no longer captured").isZero();
    }
  }

  /** Names with upper case, spaces, quotes and dollar signs render, apply, and capture. */
  @org.junit.jupiter.api.Test
  void theKitRendersAndAppliesForAnyNames() throws SQLException {
    SupabaseDbConfig base = TestDatabase.config(IdType.UUID);
    String schema = "My \"App\" $x";
    LiveTables names = LiveTables.DEFAULT.with(Part.CONVERSATIONS_TABLE, "Chat $convo_archive$ Rooms")
        .with(Part.CONVERSATIONS_USER_ID, "Owner \"Id\"").with(Part.MESSAGES_TABLE, "order")
        .withAccountTable(new LiveTables.AccountTable("My \"App\" $x", "Users", "Id"));
    SupabaseDbConfig config = base.withSchema(schema).withTables(names).withServiceSchema("capture_odd");
    try (HikariDataSource pool = SupabaseDatabase.pool(config)) {
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("drop schema if exists \"My \"\"App\"\" $x\" cascade; drop schema if exists capture_odd cascade");
        statement.execute("create schema \"My \"\"App\"\" $x\"");
        statement.execute("create table \"My \"\"App\"\" $x\".\"Users\" (\"Id\" uuid primary key)");
        statement.execute("create table \"My \"\"App\"\" $x\".\"Chat $convo_archive$ Rooms\" (id uuid primary key, "
            + "\"Owner \"\"Id\"\"\" uuid not null references \"My \"\"App\"\" $x\".\"Users\" on delete cascade, title text, "
            + "created_at timestamptz not null default now(), updated_at timestamptz)");
        statement.execute("create table \"My \"\"App\"\" $x\".\"order\" (id uuid primary key, conversation_id uuid not null "
            + "references \"My \"\"App\"\" $x\".\"Chat $convo_archive$ Rooms\" on delete cascade, role text, content text, "
            + "metadata jsonb, created_at timestamptz not null default now())");
      }
      ServiceSchema.migrate(pool, "capture_odd");
      String script = SupabaseDatabase.script("capture", config);
      assertThat(script).doesNotContain("$convo_archive$\n").contains("$convo_archive1$");
      SupabaseDatabase.runScript(config, "capture");

      UserId owner = UserId.random();
      ConversationId id = Conversations.newId();
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("insert into \"My \"\"App\"\" $x\".\"Users\" values ('" + owner + "')");
        statement.execute("insert into \"My \"\"App\"\" $x\".\"Chat $convo_archive$ Rooms\" (id, \"Owner \"\"Id\"\"\", title) "
            + "values ('" + id + "', '" + owner + "', 'odd')");
        statement.execute("insert into \"My \"\"App\"\" $x\".\"order\" (id, conversation_id, role, content) values "
            + "(gen_random_uuid(), '" + id + "', 'user', 'hi')");
        statement.execute("delete from \"My \"\"App\"\" $x\".\"Users\" where \"Id\" = '" + owner + "'");
      }

      assertThat(count(pool, "select count(*) from capture_odd.captured_rows where is_root and conversation_id = '" + id
          + "' and user_id = '" + owner + "'")).isEqualTo(1);
      assertThat(count(pool, "select count(*) from capture_odd.captured_rows where not is_root")).isEqualTo(1);
      assertThat(count(pool, "select count(*) from capture_odd.deleted_users where user_id = '" + owner + "'"))
          .as("the account's removal is recorded").isEqualTo(1);
      SupabaseDatabase.runScript(config, "capture-undo");
      assertThat(count(pool, "select count(*) from pg_trigger where tgname like 'convo_archive_capture%'")).isZero();
    }
  }

  /** Before the service has created its schema the kit refuses, saying what to do, and changes nothing. */
  @org.junit.jupiter.api.Test
  void theKitNeedsTheServicesSchema() {
    SupabaseDbConfig config = TestDatabase.config(IdType.UUID).withServiceSchema("never_started");
    assertThatThrownBy(() -> SupabaseDatabase.runScript(config, "capture"))
        .hasMessageContaining("start convo-archive once");
  }
}
