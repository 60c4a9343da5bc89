package dev.convoarchive.supabase.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.live.PostgresLiveConversations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Tiering at scale: with the index describe-live and docs/operations.md give for it (the conversation
 * table's last-change column; schema.sql already has the messages' (conversation_id, created_at)),
 * the claim of inactive conversations starts from that index and probes the messages' index,
 * instead of reading every conversation and every message of each.
 */
class TieringPlanTest {

  @Test
  void theInactiveClaimUsesTheLastChangeIndexAndTheMessagesIndex() throws Exception {
    SupabaseDbConfig config = TestDatabase.config(IdType.UUID).withSchema("tiering_plan");
    DataSource pool = TestDatabase.pool(IdType.UUID);
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop schema if exists tiering_plan cascade");
    }
    SupabaseDatabase.applySchema(config, IdType.UUID);
    ServiceSchema.migrate(pool, "tiering_plan_service");
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("set search_path = tiering_plan");
      statement.execute(SweepSource.TIERING_INDEX.formatted("conversations", "updated_at"));
      // 20,000 conversations active this week, each with two messages; 20 idle for a year.
      statement.execute("insert into conversations (id, user_id, title, created_at, updated_at) select gen_random_uuid(),"
          + " gen_random_uuid(), 't', now() - interval '400 days', now() - (g % 7 || ' days')::interval"
          + " from generate_series(1, 20000) g");
      statement.execute("update conversations set updated_at = now() - interval '365 days'"
          + " where id in (select id from conversations limit 20)");
      statement.execute("insert into messages (id, conversation_id, role, content, created_at) select gen_random_uuid(), c.id,"
          + " 'user', 'hi', c.updated_at from conversations c, generate_series(1, 2)");
      statement.execute("analyze conversations");
      statement.execute("analyze messages");
    }
    PostgresLiveConversations live = PostgresLiveConversations.on(pool, "tiering_plan", LiveTables.DEFAULT);
    PostgresSweepQueue queue = new PostgresSweepQueue(pool, live, "tiering_plan", LiveTables.DEFAULT, "tiering_plan_service",
        new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.of(Duration.ofDays(180))));

    List<String> plan = new ArrayList<>();
    try (Connection connection = pool.getConnection();
        PreparedStatement explain = connection.prepareStatement("explain " + queue.liveDueSql())) {
      queue.bindLiveDue(explain, Instant.now(), 100, Duration.ofMinutes(5));
      try (ResultSet rows = explain.executeQuery()) {
        while (rows.next()) {
          plan.add(rows.getString(1));
        }
      }
    }
    String text = String.join("\n", plan);
    assertThat(text).as(text).contains("convo_archive_tiering").contains("messages_conversation_id_idx")
        .doesNotContain("Seq Scan on conversations").doesNotContain("Seq Scan on messages");

    // And the claim itself takes exactly the idle ones.
    assertThat(queue.claim(100, Instant.now(), Duration.ofMinutes(5))).hasSize(20);
  }
}
