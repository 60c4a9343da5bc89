package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A chat app whose tables are not named as in schema.sql: Chatbot UI's {@code chats} (title in
 * {@code name}, many NOT NULL columns of its own, a nullable {@code updated_at}) and
 * {@code messages} (pointing at its chat through {@code chat_id}, no metadata, a text[] column).
 * The service runs as the least-privileged role service-role.sql creates, and the whole life of a
 * conversation, the sweeper's included, leaves every column of every row as it was.
 */
class OwnTableNamesTest {

  private static final Tokens tokens = Tokens.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "least-privileged-" + UUID.randomUUID();

  /** Chatbot UI's shape (supabase/migrations of mckaywrigley/chatbot-ui), trimmed of its foreign keys to other tables. */
  private static final String CHATBOT_UI_TABLES = """
      create table chats (
        user_id uuid not null,
        workspace_id uuid not null,
        folder_id uuid,
        id uuid primary key default gen_random_uuid(),
        created_at timestamptz not null default now(),
        updated_at timestamptz,
        sharing text not null default 'private',
        context_length int not null,
        embeddings_provider text not null check (char_length(embeddings_provider) <= 1000),
        include_profile_context boolean not null,
        include_workspace_instructions boolean not null,
        model text not null,
        name text not null check (char_length(name) <= 200),
        prompt text not null,
        temperature real not null,
        cost numeric(12, 6)
      );
      create table messages (
        chat_id uuid not null references chats (id) on delete cascade,
        user_id uuid not null,
        id uuid primary key default gen_random_uuid(),
        created_at timestamptz not null default now(),
        updated_at timestamptz,
        content text not null,
        image_paths text[] not null,
        model text not null,
        role text not null check (role in ('assistant', 'system', 'user')),
        sequence_number int not null,
        tokens bigint generated always as (char_length(content)) stored
      );
      alter table chats enable row level security;
      alter table messages enable row level security;
      """;

  private static final LiveTables CHATBOT_UI = LiveTables.DEFAULT
      .with(Part.CONVERSATIONS_TABLE, "chats")
      .with(Part.CONVERSATIONS_TITLE, "name")
      .with(Part.MESSAGES_CONVERSATION_ID, "chat_id")
      .with(Part.MESSAGES_METADATA, LiveTables.NONE);

  /** The app's database, with the service's role made by service-role.sql (as printed for these names). */
  private static AppDatabase chatbotUi() {
    AppDatabase database = AppDatabase.empty();
    database.execute(CHATBOT_UI_TABLES);
    SupabaseDbConfig names = database.config().withTables(CHATBOT_UI);
    database.execute(SupabaseDatabase.script("service-role", names));
    database.execute("alter role convo_archive_service with password '" + PASSWORD + "'");
    return database;
  }

  private static AppConfig config(AppDatabase database) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    String url = database.config().jdbcUrl().replace("jdbc:", "").replace("postgresql://", "postgres://convo_archive_service:"
        + PASSWORD + "@");
    SupabaseDbConfig asServiceRole = SupabaseDbConfig.fromUrl(url).withTables(CHATBOT_UI);
    return base.withStorage(base.s3(), asServiceRole);
  }

  private static String insertChat(AppDatabase database, UserId user, String name) {
    String id = UUID.randomUUID().toString();
    database.execute("insert into chats (id, user_id, workspace_id, context_length, embeddings_provider, "
        + "include_profile_context, include_workspace_instructions, model, name, prompt, temperature, cost) values ('"
        + id + "', '" + user + "', gen_random_uuid(), 4096, 'openai', true, false, 'gpt-4o', '" + name
        + "', 'You are helpful.', 0.5, 0.001234)");
    database.execute("insert into messages (chat_id, user_id, content, image_paths, model, role, sequence_number, created_at) "
        + "values ('" + id + "', '" + user + "', 'Hello', '{a.png,b.png}', 'gpt-4o', 'user', 0, now() - interval '1 minute'), "
        + "('" + id + "', '" + user + "', 'Hi! How can I help?', '{}', 'gpt-4o', 'assistant', 1, now())");
    return id;
  }

  /** Every column of the chat and of its messages, as PostgreSQL prints them. */
  private static String rows(AppDatabase database, String chat) {
    return database.text("select jsonb_build_object('chat', (select to_jsonb(c) from chats c where id = '" + chat + "'), "
        + "'messages', (select jsonb_agg(to_jsonb(m) order by sequence_number) from messages m where chat_id = '" + chat + "'))::text");
  }

  @Test
  void theWholeLifecycleKeepsEveryColumnOfTheAppsOwnTables() throws Exception {
    AppDatabase database = chatbotUi();
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    String chat = insertChat(database, user, "Trip to Lisbon");
    String before = rows(database, chat);

    try (TestService service = TestService.start(config(database), List.of())) {
      HttpResponse<String> archived = service.send("POST", "/v1/users/me/conversations/" + chat + "/archive", token);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      assertThat(database.count("select count(*) from chats where id = '" + chat + "'")).isZero();
      assertThat(database.count("select count(*) from messages where chat_id = '" + chat + "'")).isZero();

      JsonNode listed = JSON.readTree(service.send("GET", "/v1/users/me/archive", token).body());
      assertThat(listed.at("/items/0/title").asText()).isEqualTo("Trip to Lisbon");

      JsonNode stored = JSON.readTree(service.send("GET", "/v1/users/me/archive/" + chat, token).body());
      assertThat(stored.get("title").asText()).isEqualTo("Trip to Lisbon");
      assertThat(stored.at("/rows/tables/0/table").asText()).isEqualTo("chats");
      JsonNode chatRow = stored.at("/rows/tables/0/rows/0");
      assertThat(chatRow.get("model").asText()).isEqualTo("gpt-4o");
      assertThat(chatRow.get("cost").decimalValue()).isEqualByComparingTo("0.001234");
      assertThat(chatRow.has("updated_at")).as("a NULL the app left is kept as NULL").isTrue();
      assertThat(stored.at("/messages/0/content").asText()).isEqualTo("Hello");
      assertThat(stored.at("/rows/tables/1/table").asText()).isEqualTo("messages");
      JsonNode messageRow = stored.at("/rows/tables/1/rows/0");
      assertThat(messageRow.get("image_paths").toString()).isEqualTo("[\"a.png\",\"b.png\"]");
      assertThat(messageRow.has("tokens")).as("a generated column is kept in the archive").isTrue();

      HttpResponse<String> restored = service.send("POST", "/v1/users/me/archive/" + chat + "/restore", token);
      assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
      assertThat(rows(database, chat)).as("every column of every row, as before the archive").isEqualTo(before);

      assertThat(service.send("POST", "/v1/users/me/conversations/" + chat + "/archive", token).statusCode()).isEqualTo(201);
      assertThat(service.send("DELETE", "/v1/users/me/archive/" + chat, token).statusCode()).isEqualTo(204);
      assertThat(service.send("GET", "/v1/users/me/archive/" + chat, token).statusCode()).isEqualTo(404);
      assertThat(database.count("select count(*) from chats where id = '" + chat + "'")).isZero();
    }
  }

  @Test
  void theSweeperArchivesTheAppsSoftDeletedChats() throws Exception {
    AppDatabase database = chatbotUi();
    database.execute(SupabaseDatabase.script("soft-delete", database.config().withTables(CHATBOT_UI)));
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    String deleted = insertChat(database, user, "Deleted by the app");
    String kept = insertChat(database, user, "Still wanted");
    String before = rows(database, deleted);
    database.execute("delete from chats where id = '" + deleted + "'"); // the trigger marks it instead
    assertThat(database.count("select count(*) from chats where deleted_at is not null")).isEqualTo(1);

    AppConfig config = config(database).withSweep(SweepConfig.off().on().withInterval(Duration.ofMillis(200)));
    try (TestService service = TestService.start(config, List.of())) {
      Polling.await("the deleted chat is archived",
          () -> database.count("select count(*) from chats where id = '" + deleted + "'") == 0);
      assertThat(database.count("select count(*) from chats where id = '" + kept + "'")).isEqualTo(1);
      JsonNode listed = JSON.readTree(service.send("GET", "/v1/users/me/archive", token).body());
      assertThat(listed.get("items")).hasSize(1);
      assertThat(listed.at("/items/0/title").asText()).isEqualTo("Deleted by the app");

      assertThat(service.send("POST", "/v1/users/me/archive/" + deleted + "/restore", token).statusCode()).isEqualTo(200);
      assertThat(rows(database, deleted)).as("restored unmarked, every other column as it was")
          .isEqualTo(before);
    }
  }

  @Test
  void startUpNamesEachMissingTableOrColumnAndTheSettingForIt() {
    AppDatabase database = chatbotUi();
    AppConfig base = config(database);
    SupabaseDbConfig wrong = base.database().orElseThrow().withTables(CHATBOT_UI
        .with(Part.CONVERSATIONS_TITLE, "title")
        .with(Part.MESSAGES_CONTENT, "text")
        .with(Part.CONVERSATIONS_UPDATED_AT, "include_profile_context"));

    assertThatThrownBy(() -> TestService.start(base.withStorage(base.s3(), wrong), List.of()).close())
        .hasMessageContaining("column public.chats.title not found (LIVE_CONVERSATIONS_TITLE")
        .hasMessageContaining("column public.messages.text not found (LIVE_MESSAGES_CONTENT")
        .hasMessageContaining("column public.chats.include_profile_context is boolean, not a time")
        .hasMessageContaining("(LIVE_CONVERSATIONS_UPDATED_AT");

    SupabaseDbConfig noTable = base.database().orElseThrow()
        .withTables(LiveTables.DEFAULT.with(Part.MESSAGES_TABLE, "chat_messages"));
    assertThatThrownBy(() -> TestService.start(base.withStorage(base.s3(), noTable), List.of()).close())
        .hasMessageContaining("table public.conversations not found (LIVE_CONVERSATIONS_TABLE");

    SupabaseDbConfig messagesElsewhere = base.database().orElseThrow()
        .withTables(CHATBOT_UI.with(Part.MESSAGES_TABLE, "chat_messages"));
    assertThatThrownBy(() -> TestService.start(base.withStorage(base.s3(), messagesElsewhere), List.of()).close())
        .hasMessageContaining("table chat_messages is not part of the conversation's tree (LIVE_MESSAGES_TABLE")
        .hasMessageContaining("LIVE_UNDECLARED_KEYS");
  }
}
