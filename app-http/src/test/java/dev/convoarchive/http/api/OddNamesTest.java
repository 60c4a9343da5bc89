package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.live.LiveTables.Part;
import dev.convoarchive.supabase.live.LiveTables;
import dev.convoarchive.supabase.store.SweepSource;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every name the service is given, its own schema's included, with upper case, spaces, {@code "},
 * {@code $} and reserved words: archive, show, restore, the sweeper's claim of a captured delete,
 * erase and every script work, because every statement quotes names one way ({@code Sql.quote}).
 */
class OddNamesTest {

  private static final Tokens tokens = Tokens.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA = "My \"App\" $x";
  private static final String Q_SCHEMA = "\"My \"\"App\"\" $x\"";

  // Written with ` for " (a text block cannot hold the """ of a quoted name ending in a doubled quote).
  private static final String TABLES = """
      create schema %1$s;
      create table %1$s.`Chat ``Rooms`` $1` (
        `Id ``x``` uuid primary key, `Owner ``Id``` uuid not null, `order` text,
        `Made $at` timestamptz not null default now(), `select` timestamptz);
      create table %1$s.`order` (
        `Id` uuid primary key, `Room ``ref``` uuid not null references %1$s.`Chat ``Rooms`` $1` on delete cascade,
        `Role` text not null, `Content ``text``` text not null, `meta $` jsonb, `When` timestamptz not null);
      create table %1$s.`Likes ``x``` (
        `Seq ``n`` $` bigint generated always as identity primary key,
        `Message ``id``` uuid not null references %1$s.`order` on delete cascade, `by` text);
      create table %1$s.`Bookmarks` (
        id serial primary key, `Room ``ref``` uuid references %1$s.`Chat ``Rooms`` $1` on delete set null, note text);
      """.replace('`', '"').formatted(Q_SCHEMA);

  private static final LiveTables NAMES = LiveTables.DEFAULT
      .with(Part.CONVERSATIONS_TABLE, "Chat \"Rooms\" $1")
      .with(Part.CONVERSATIONS_ID, "Id \"x\"")
      .with(Part.CONVERSATIONS_USER_ID, "Owner \"Id\"")
      .with(Part.CONVERSATIONS_TITLE, "order")
      .with(Part.CONVERSATIONS_CREATED_AT, "Made $at")
      .with(Part.CONVERSATIONS_UPDATED_AT, "select")
      .with(Part.MESSAGES_TABLE, "order")
      .with(Part.MESSAGES_ID, "Id")
      .with(Part.MESSAGES_CONVERSATION_ID, "Room \"ref\"")
      .with(Part.MESSAGES_ROLE, "Role")
      .with(Part.MESSAGES_CONTENT, "Content \"text\"")
      .with(Part.MESSAGES_METADATA, "meta $")
      .with(Part.MESSAGES_CREATED_AT, "When");

  private static String write(AppDatabase database, UserId owner, String title) {
    String id = UUID.randomUUID().toString();
    database.execute("insert into " + Q_SCHEMA + ".\"Chat \"\"Rooms\"\" $1\" values ('" + id + "', '" + owner + "', '"
        + title + "', '2026-01-15 10:15:30+00', '2026-01-15 10:16:00+00')");
    String first = UUID.randomUUID().toString();
    database.execute("insert into " + Q_SCHEMA + ".\"order\" values ('" + first + "', '" + id + "', 'user', 'Where is Lisbon?', "
        + "'{\"k\": 1}', '2026-01-15 10:15:30+00'), ('" + UUID.randomUUID() + "', '" + id + "', 'assistant', 'In Portugal.', "
        + "null, '2026-01-15 10:15:32+00')");
    database.execute("insert into " + Q_SCHEMA + ".\"Likes \"\"x\"\"\" (\"Message \"\"id\"\"\", \"by\") values ('" + first
        + "', 'me'), ('" + first + "', 'you')");
    return id;
  }

  /** Every row of every table of the app's schema, as to_jsonb prints it. */
  private static String everyRow(AppDatabase database) {
    return database.text("select string_agg(t, E'\\n' order by t) from (select (xpath('/row/r/text()', query_to_xml("
        + "format('select string_agg(to_jsonb(x)::text, %L order by to_jsonb(x)::text) as r from %I.%I x', ' | ', "
        + "table_schema, table_name), false, false, '')))[1]::text || ' in ' || table_name as t "
        + "from information_schema.tables where table_schema = " + "'" + SCHEMA + "') rows");
  }

  @ParameterizedTest
  @ValueSource(strings = {"order", "Convo \"Archive\" $1 select"})
  void everyPathWorksWithOddNamesForTheAppsTablesAndTheServicesSchema(String serviceSchema) throws Exception {
    AppDatabase database = AppDatabase.empty();
    database.execute(TABLES);
    SupabaseDbConfig db = database.config().withSchema(SCHEMA).withTables(NAMES).withServiceSchema(serviceSchema);
    database.execute(SupabaseDatabase.script("service-role", db));
    SupabaseDatabase.migrateServiceSchema(db);
    SupabaseDatabase.runScript(db, "capture");
    UserId owner = UserId.random();
    String token = tokens.hs256(tokens.userClaims(owner));
    String kept = write(database, owner, "Trip to Lisbon");
    database.execute("insert into " + Q_SCHEMA + ".\"Bookmarks\" (\"Room \"\"ref\"\"\", note) values ('" + kept + "', 'later')");
    String before = everyRow(database);

    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    SweepSource capture = new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.empty())
        .withCapture(Duration.ofMillis(100), SweepSource.DEFAULT_CAPTURE_WINDOW, true);
    AppConfig config = base.withStorage(base.s3(), db)
        .withSweep(SweepConfig.off().on().withInterval(Duration.ofMillis(100)).withSource(capture));
    try (TestService service = TestService.start(config, List.of())) {
      HttpResponse<String> archived = service.send("POST", "/v1/users/me/conversations/" + kept + "/archive", token);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      JsonNode shown = JSON.readTree(service.send("GET", "/v1/users/me/archive/" + kept, token).body());
      assertThat(shown.get("title").asText()).isEqualTo("Trip to Lisbon");
      assertThat(shown.at("/messages/0/content").asText()).isEqualTo("Where is Lisbon?");
      assertThat(shown.at("/messages/0/metadata/k").asInt()).isEqualTo(1);
      assertThat(shown.at("/rows/tables").size()).isEqualTo(3);

      HttpResponse<String> restored = service.send("POST", "/v1/users/me/archive/" + kept + "/restore", token);
      assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
      assertThat(everyRow(database)).as("every row, the bookmark pointed back included").isEqualTo(before);

      // The app deletes a conversation its own way; the sweeper claims and archives the captured rows.
      String deleted = write(database, owner, "Deleted by the app");
      database.execute("delete from " + Q_SCHEMA + ".\"Chat \"\"Rooms\"\" $1\" where \"Id \"\"x\"\"\" = '" + deleted + "'");
      Polling.await("the captured conversation is archived",
          () -> service.send("GET", "/v1/users/me/archive/" + deleted, token).statusCode() == 200);
      assertThat(service.send("POST", "/v1/users/me/archive/" + deleted + "/restore", token).statusCode()).isEqualTo(200);
      assertThat(database.count("select count(*) from " + Q_SCHEMA + ".\"order\" where \"Room \"\"ref\"\"\" = '" + deleted + "'"))
          .isEqualTo(2);

      assertThat(service.send("POST", "/v1/users/me/conversations/" + deleted + "/archive", token).statusCode()).isEqualTo(201);
      assertThat(service.send("DELETE", "/v1/users/me/archive/" + deleted, token).statusCode()).isEqualTo(204);
      assertThat(service.send("GET", "/v1/users/me/archive/" + deleted, token).statusCode()).isEqualTo(404);
    }
    assertThat(SupabaseDatabase.describeLive(db)).contains("Likes \"x\"").contains("captured");
    SupabaseDatabase.runScript(db, "capture-undo");
    SupabaseDatabase.runScript(db, "soft-delete-undo");
    assertThat(database.count("select count(*) from pg_trigger where tgname like 'convo_archive_capture%'")).isZero();
  }
}
