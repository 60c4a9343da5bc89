package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A conversation's whole life over real HTTP, for each layout and index. */
class LifecycleTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void archiveListGetRestoreArchiveExportDeleteErase(StorageVariant variant) throws Exception {
    try (TestService service = TestService.start(variant, tokens)) {
      LiveConversations live = TestStores.live();
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      Conversation conversation = Conversations.rich(user);
      Conversation other = Conversations.sample(user, 2);
      live.restore(conversation);
      live.restore(other);
      String id = conversation.id().value();

      HttpResponse<String> archived = service.send("POST", "/v1/users/me/conversations/" + id + "/archive", token);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      assertThat(Json.json(archived).get("messageCount").asInt()).isEqualTo(4);
      assertThat(live.find(user, conversation.id())).isEmpty();

      HttpResponse<String> again = service.send("POST", "/v1/users/me/conversations/" + id + "/archive", token);
      assertThat(again.statusCode()).as("archiving again").isEqualTo(200);

      JsonNode page = Json.json(service.send("GET", "/v1/users/" + user + "/archive", token));
      assertThat(page.get("items")).hasSize(1);
      assertThat(page.get("items").get(0).get("id").asText()).isEqualTo(id);
      assertThat(page.get("nextCursor").isNull()).isTrue();

      JsonNode got = Json.json(service.send("GET", "/v1/users/me/archive/" + id, token));
      assertThat(got.get("title").asText()).isEqualTo(conversation.title());
      assertThat(got.get("messages").get(2).get("content").asText()).hasSize(1024 * 1024 - 2);
      assertThat(got.get("messages").get(0).get("metadata").get("usage").get("tokens").asInt()).isEqualTo(1234);

      HttpResponse<String> restored = service.send("POST", "/v1/users/me/archive/" + id + "/restore", token);
      assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
      assertThat(live.find(user, conversation.id()).map(Conversation::withoutLiveRows)).contains(conversation);
      assertThat(service.send("GET", "/v1/users/me/archive/" + id, token).statusCode()).isEqualTo(404);

      assertThat(service.send("POST", "/v1/users/me/conversations/" + id + "/archive", token).statusCode()).isEqualTo(201);
      assertThat(service.send("POST", "/v1/users/me/conversations/" + other.id() + "/archive", token).statusCode()).isEqualTo(201);

      HttpResponse<String> export = service.send("GET", "/v1/users/me/export", token);
      assertThat(export.statusCode()).isEqualTo(200);
      assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/x-ndjson"));
      String[] lines = export.body().split("\n");
      assertThat(lines).hasSize(2);
      assertThat(java.util.Arrays.stream(lines).map(l -> Json.readTree(l).get("id").asText()))
          .containsExactlyInAnyOrder(id, other.id().value());

      assertThat(service.send("DELETE", "/v1/users/me/archive/" + id, token).statusCode()).isEqualTo(204);
      HttpResponse<String> gone = service.send("GET", "/v1/users/me/archive/" + id, token);
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(gone.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(service.send("DELETE", "/v1/users/me/archive/" + id, token).statusCode()).isEqualTo(404);

      HttpResponse<String> erased = service.send("DELETE", "/v1/users/me/archive", token);
      assertThat(erased.statusCode()).isEqualTo(204);
      assertThat(erased.headers().firstValue("X-Deleted-Count")).contains("1");
      assertThat(Json.json(service.send("GET", "/v1/users/me/archive", token)).get("items")).isEmpty();
      assertThat(service.send("GET", "/v1/users/me/export", token).body()).isEmpty();

      JsonNode reindexed = Json.json(service.send("POST", "/v1/users/me/reindex", token));
      assertThat(reindexed.get("entries").asInt()).isZero();
    }
  }
}
