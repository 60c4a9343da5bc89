package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.AppDatabases;
import dev.convoarchive.supabase.ChatApp;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each of three real chat apps' tables (Chatbot UI, Vercel's ai-chatbot, LobeChat) through the
 * HTTP API: a conversation the app wrote, with rows in every table of its tree, is archived,
 * shown, and restored with every row of the database identical by {@code to_jsonb}; a restore
 * whose outside reference is gone is a 409 that writes nothing.
 */
class ChatAppsOverHttpTest {

  private static final Tokens tokens = Tokens.shared();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AppConfig config(ChatApp app) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    return base.withStorage(base.s3(), AppDatabases.config(app));
  }

  /** A conversation as the app writes it; LobeChat's owner is a Clerk-style text id. */
  private static Conversation written(ChatApp app) throws Exception {
    UserId owner = app == ChatApp.LOBECHAT ? UserId.parse("user_2" + Long.toHexString(System.nanoTime()))
        : UserId.random();
    ConversationId id = app == ChatApp.LOBECHAT ? ConversationId.of("tpc_" + Long.toHexString(System.nanoTime()))
        : Conversations.newId();
    Instant t0 = Conversations.T0;
    List<Message> messages = List.of(
        new Message(app == ChatApp.LOBECHAT ? "msg_a" + System.nanoTime() : Conversations.newMessageId(), Role.USER,
            "Where is Lisbon?", t0),
        new Message(app == ChatApp.LOBECHAT ? "msg_b" + System.nanoTime() : Conversations.newMessageId(), Role.ASSISTANT,
            "In Portugal.", t0.plusSeconds(2)));
    Conversation conversation = new Conversation(id, owner, "Trip to Lisbon", t0, t0.plusSeconds(2), messages);
    try (Connection connection = AppDatabases.pool(app).getConnection()) {
      app.write(connection, conversation);
    }
    return conversation;
  }

  /** The owner's own token where the owner is a Supabase user; the chat backend's service credentials otherwise. */
  private static String token(UserId owner) {
    return owner.isUuid() ? tokens.hs256(tokens.userClaims(owner)) : tokens.hs256(tokens.serviceRoleClaims());
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aConversationMakesTheRoundTripRowIdentical(ChatApp app) throws Exception {
    DataSource pool = AppDatabases.pool(app);
    Conversation conversation = written(app);
    written(app); // someone else's, untouched throughout
    Map<String, List<String>> before = AppDatabases.everyRow(pool);
    String user = "/v1/users/" + conversation.owner();
    String token = token(conversation.owner());

    try (TestService service = TestService.start(config(app), List.of())) {
      HttpResponse<String> archived = service.send("POST", user + "/conversations/" + conversation.id() + "/archive", token);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      assertThat(AppDatabases.everyRow(pool)).isNotEqualTo(before);

      JsonNode listed = JSON.readTree(service.send("GET", user + "/archive", token).body());
      assertThat(listed.at("/items/0/title").asText()).isEqualTo("Trip to Lisbon");
      assertThat(listed.at("/items/0/messageCount").asInt()).isEqualTo(2);
      JsonNode shown = JSON.readTree(service.send("GET", user + "/archive/" + conversation.id(), token).body());
      assertThat(shown.at("/messages/0/content").asText()).isEqualTo("Where is Lisbon?");
      assertThat(shown.at("/messages/1/role").asText()).isEqualTo("assistant");
      assertThat(shown.at("/rows/tables").size()).as("every table of the tree with rows").isGreaterThanOrEqualTo(4);
      assertThat(shown.at("/userId").asText()).isEqualTo(conversation.owner().toString());

      HttpResponse<String> restored = service.send("POST", user + "/archive/" + conversation.id() + "/restore", token);
      assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
      assertThat(AppDatabases.everyRow(pool)).as("every row of every table, as before the archive").isEqualTo(before);
      assertThat(service.send("GET", user + "/archive/" + conversation.id(), token).statusCode()).isEqualTo(404);
    }
  }

  /** Without a messages mapping the rows are still archived and restored; the API shows title and dates. */
  @org.junit.jupiter.api.Test
  void withoutAMessagesMappingEveryRowStillMakesTheRoundTrip() throws Exception {
    DataSource pool = AppDatabases.pool(ChatApp.CHATBOT_UI);
    Conversation conversation = written(ChatApp.CHATBOT_UI);
    Map<String, List<String>> before = AppDatabases.everyRow(pool);
    AppConfig base = config(ChatApp.CHATBOT_UI);
    AppConfig noMessages = base.withStorage(base.s3(), base.database().orElseThrow().withTables(
        ChatApp.CHATBOT_UI.tables().with(dev.convoarchive.supabase.live.LiveTables.Part.MESSAGES_TABLE, "none")));
    String token = token(conversation.owner());

    try (TestService service = TestService.start(noMessages, List.of())) {
      assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
          .isEqualTo(201);
      JsonNode shown = JSON.readTree(service.send("GET", "/v1/users/me/archive/" + conversation.id(), token).body());
      assertThat(shown.get("title").asText()).isEqualTo("Trip to Lisbon");
      assertThat(shown.get("createdAt").asText()).isEqualTo("2026-01-15T10:15:30.123456Z");
      assertThat(shown.get("messages")).isEmpty();
      assertThat(shown.at("/rows/tables").size()).isEqualTo(4);
      assertThat(service.send("POST", "/v1/users/me/archive/" + conversation.id() + "/restore", token).statusCode())
          .isEqualTo(200);
      assertThat(AppDatabases.everyRow(pool)).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aRestoreWhoseOutsideRowIsGoneIs409AndWritesNothing(ChatApp app) throws Exception {
    DataSource pool = AppDatabases.pool(app);
    Conversation conversation = written(app);
    String user = "/v1/users/" + conversation.owner();
    String token = token(conversation.owner());

    try (TestService service = TestService.start(config(app), List.of())) {
      assertThat(service.send("POST", user + "/conversations/" + conversation.id() + "/archive", token).statusCode())
          .isEqualTo(201);
      String gone = switch (app) {
        case CHATBOT_UI -> "files";
        case AI_CHATBOT -> "User";
        case LOBECHAT -> "documents";
      };
      try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
        String owner = app == ChatApp.AI_CHATBOT ? "id" : "user_id";
        statement.execute("delete from \"" + gone + "\" where " + owner + " = '" + conversation.owner() + "'");
      }
      Map<String, List<String>> before = AppDatabases.everyRow(pool);

      HttpResponse<String> refused = service.send("POST", user + "/archive/" + conversation.id() + "/restore", token);

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(JSON.readTree(refused.body()).get("detail").asText()).contains("is gone").contains(gone);
      assertThat(AppDatabases.everyRow(pool)).as("nothing written").isEqualTo(before);
      assertThat(service.send("GET", user + "/archive/" + conversation.id(), token).statusCode())
          .as("still archived").isEqualTo(200);
    }
  }
}
