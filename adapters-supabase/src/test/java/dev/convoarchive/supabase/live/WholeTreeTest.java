package dev.convoarchive.supabase.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.LiveTables.Part;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a tree may hold, on tables made for it in a schema other than public: every column type
 * round-trips, identity and serial ids come back with their sequences moved past them, generated
 * columns compute again, composite keys and undeclared keys are followed, and rows outside the
 * tree that reference it ON DELETE SET NULL get their reference back unless they changed.
 */
class WholeTreeTest {

  private static final String SCHEMA = "typed app";
  private static final LiveTables NAMES = new LiveTables(Map.of(Part.CONVERSATIONS_TABLE, "Threads",
      Part.CONVERSATIONS_USER_ID, "owner", Part.CONVERSATIONS_CREATED_AT, "created", Part.CONVERSATIONS_UPDATED_AT, "none",
      Part.MESSAGES_TABLE, "posts", Part.MESSAGES_ROLE, "feeling", Part.MESSAGES_CONTENT, "body",
      Part.MESSAGES_METADATA, "meta", Part.MESSAGES_CREATED_AT, "at_epoch_ms"),
      LiveTables.parseUndeclaredKeys("attachments(thread_ref) -> Threads(id)"));

  private static DataSource pool;
  private static PostgresLiveConversations live;

  @BeforeAll
  static void tables() throws SQLException {
    pool = TestDatabase.pool(IdType.UUID);
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop schema if exists \"typed app\" cascade");
      statement.execute("""
          create schema "typed app";
          set search_path = "typed app";
          create type mood as enum ('calm', 'busy', 'data');
          create table uploads (id uuid primary key, name text);
          create table "Threads" (
            id bigint generated always as identity primary key,
            owner text not null,
            title text,
            created timestamp not null default now(),
            branch_of bigint references "Threads"(id) on delete cascade
          );
          create table posts (
            id serial primary key,
            thread_id bigint not null references "Threads"(id) on delete no action,
            body text not null,
            price numeric(14, 6), ratio double precision, small real, tags text[], grid int[][],
            doc json, meta jsonb, raw bytea, feeling mood not null, at_local timestamp, at_zone timestamptz,
            at_epoch_ms bigint, span interval, uid uuid, "weird ""name"" $x" text,
            upload_id uuid references uploads(id),
            words int generated always as (length(body)) stored,
            unique (id, thread_id)
          );
          create table reactions (
            post_id int not null, thread_id bigint not null, emoji text not null,
            primary key (post_id, emoji),
            foreign key (post_id, thread_id) references posts(id, thread_id) on delete cascade
          );
          create table attachments (id uuid primary key, thread_ref bigint not null, name text);
          create table labels (thread_id bigint not null references "Threads"(id) on delete cascade, label text);
          create table bookmarks (id serial primary key, thread_id bigint references "Threads"(id) on delete set null,
            note text);
          set search_path = public;
          """);
    }
    live = PostgresLiveConversations.on(pool, SCHEMA, NAMES);
  }

  /** Writes a thread with two posts of every type, reactions, an attachment and a bookmark; returns its id. */
  private static long thread(String owner) throws SQLException {
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("set search_path = \"typed app\"");
      long id;
      try (ResultSet row = statement.executeQuery("insert into \"Threads\" (owner, title, created) values ('" + owner
          + "', 'Typed', '2026-01-15 10:15:30.123456') returning id")) {
        row.next();
        id = row.getLong(1);
      }
      statement.execute("insert into uploads values ('" + java.util.UUID.randomUUID() + "', 'u')");
      statement.execute("insert into posts (thread_id, body, price, ratio, small, tags, grid, doc, meta, raw, feeling, "
          + "at_local, at_zone, at_epoch_ms, span, uid, \"weird \"\"name\"\" $x\", upload_id) values "
          + "(" + id + ", 'first ünï 😀', 12345678.123456, 0.1, 0.3, '{a,\"b c\",NULL}', '{{1,2},{3,4}}', "
          + "'{\"b\": 1,  \"a\": [true, null]}', '{\"big\": 9007199254740993, \"f\": 1.5e300}', '\\x00ff10', 'data', "
          + "'2026-01-15 10:15:30.123456', '2026-01-15 10:15:30.123456+05:30', 1768472130123, '1 day 02:03:04.5', "
          + "gen_random_uuid(), 'odd', (select id from uploads order by random() limit 1)), "
          + "(" + id + ", 'second', 'NaN', 'Infinity', '-0', '{}', null, 'null', '[1, \"x\"]', '', 'calm', null, null, "
          + "1768472131000, null, null, null, null)");
      statement.execute("insert into reactions select id, thread_id, '👍' from posts where thread_id = " + id);
      statement.execute("insert into attachments values (gen_random_uuid(), " + id + ", 'a.pdf')");
      statement.execute("insert into labels values (" + id + ", 'work'), (" + id + ", 'work'), (" + id + ", 'travel')");
      statement.execute("insert into bookmarks (thread_id, note) values (" + id + ", 'read later')");
      // A branch of the thread, deleted with it by cascade: its rows belong to the thread's archive.
      statement.execute("insert into \"Threads\" (owner, title, created, branch_of) values ('" + owner + "', 'Branch', "
          + "'2026-01-15 10:16:00', " + id + ")");
      return id;
    }
  }

  private static List<String> rows(String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = pool.getConnection(); ResultSet result = connection.createStatement().executeQuery(
        "select to_jsonb(t)::text from \"typed app\"." + table + " t order by 1")) {
      while (result.next()) {
        rows.add(result.getString(1));
      }
    }
    return rows;
  }

  private static Map<String, List<String>> everyRow() throws SQLException {
    return Map.of("Threads", rows("\"Threads\""), "posts", rows("posts"), "reactions", rows("reactions"),
        "attachments", rows("attachments"), "bookmarks", rows("bookmarks"), "uploads", rows("uploads"),
        "labels", rows("labels"));
  }

  @Test
  void everyTypeComesBackExactlyAndEveryTableOfTheTreeIsFollowed() throws SQLException {
    UserId owner = UserId.parse("owner_" + System.nanoTime());
    long id = thread(owner.value());
    thread("someone_else");
    Map<String, List<String>> before = everyRow();

    Conversation moved = live.moveOut(owner, ConversationId.of(String.valueOf(id)), c -> c).orElseThrow();

    assertThat(rows("reactions")).noneMatch(r -> r.contains("\"thread_id\": " + id + ","));
    assertThat(rows("attachments")).noneMatch(r -> r.contains("\"thread_ref\": " + id + ","));
    assertThat(rows("labels")).as("rows without a key, twins included").noneMatch(r -> r.contains("\"thread_id\": " + id + "}"));
    assertThat(rows("bookmarks")).anyMatch(r -> r.contains("\"thread_id\": null"));
    assertThat(rows("\"Threads\"")).as("the branch went with it, archived").noneMatch(r -> r.contains("\"branch_of\": " + id + "}"));
    live.restore(moved);

    assertThat(everyRow()).isEqualTo(before);
  }

  @Test
  void theViewMapsAnyRoleEpochTimesAndJsonThatIsNotAnObject() throws SQLException {
    UserId owner = UserId.parse("owner_" + System.nanoTime());
    long id = thread(owner.value());

    Conversation shown = live.find(owner, ConversationId.of(String.valueOf(id))).orElseThrow();

    assertThat(shown.title()).isEqualTo("Typed");
    assertThat(shown.createdAt()).isEqualTo(java.time.Instant.parse("2026-01-15T10:15:30.123456Z"));
    assertThat(shown.messages()).extracting(m -> m.role().wireName()).containsExactly("data", "calm");
    assertThat(shown.messages().get(0).createdAt()).isEqualTo(java.time.Instant.ofEpochMilli(1768472130123L));
    assertThat(shown.messages().get(1).metadata()).isEqualTo(Map.of("value", List.of(1, "x")));
  }

  @Test
  void restoredIdsAreNotHandedOutAgainBySequences() throws SQLException {
    UserId owner = UserId.parse("owner_" + System.nanoTime());
    long id = thread(owner.value());
    Conversation moved = live.moveOut(owner, ConversationId.of(String.valueOf(id)), c -> c).orElseThrow();
    // Sequences go back, as after a dump restored into a fresh database or a reset.
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("select setval(pg_get_serial_sequence('\"typed app\".\"Threads\"', 'id'), 1, false), "
          + "setval(pg_get_serial_sequence('\"typed app\".posts', 'id'), 1, false)");
    }

    live.restore(moved);

    long next = thread("after_restore");
    assertThat(next).isGreaterThan(id);
  }

  @Test
  void aDetachedReferenceIsLeftAloneWhenItsRowChangedMeanwhile() throws SQLException {
    UserId owner = UserId.parse("owner_" + System.nanoTime());
    long id = thread(owner.value());
    Conversation moved = live.moveOut(owner, ConversationId.of(String.valueOf(id)), c -> c).orElseThrow();
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("update \"typed app\".bookmarks set note = 'edited' where thread_id is null and note = 'read later'");
    }

    live.restore(moved);

    assertThat(rows("bookmarks")).anyMatch(r -> r.contains("\"note\": \"edited\"") && r.contains("\"thread_id\": null"));
    assertThat(rows("bookmarks")).noneMatch(r -> r.contains("\"thread_id\": " + id + ","));
  }

  @Test
  void describeLiveShowsTheTreeItsKeysAndWarnings() throws SQLException {
    String described;
    try (Connection connection = pool.getConnection()) {
      described = live.tree().describe(connection);
    }
    assertThat(described)
        .contains("typed app.Threads", "typed app.posts", "typed app.reactions", "typed app.attachments")
        .contains("(post_id, thread_id) -> typed app.posts (id, thread_id), ON DELETE CASCADE")
        .contains("ON DELETE NO ACTION")
        .contains("none declared (LIVE_UNDECLARED_KEYS)")
        .contains("typed app.bookmarks (thread_id) -> typed app.Threads (id), ON DELETE SET NULL")
        .contains("words integer (generated: computed again on restore)")
        .contains("id bigint (primary key) (identity)")
        .contains("typed app.labels has no primary key: its rows are told apart by their whole value");
    assertThat(described).doesNotContain("typed app.uploads  (");
  }
}
