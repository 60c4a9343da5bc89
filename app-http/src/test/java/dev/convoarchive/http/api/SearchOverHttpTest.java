package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SearchSettings;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Search over HTTP in every variant: hits best first with snippets and highlights, paged by
 * cursor; another user's conversations are never found; a restored or erased conversation no
 * longer; a query the service cannot use is a 400 problem; SEARCH=titles and SEARCH=off.
 */
class SearchOverHttpTest {

  private static final Tokens tokens = Tokens.shared();

  private static String archive(TestService service, UserId owner, String title, String... texts) {
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      messages.add(new Message(Conversations.newMessageId(), i % 2 == 0 ? Role.USER : Role.ASSISTANT, texts[i],
          Conversations.T0.plusSeconds(i)));
    }
    Conversation conversation = new Conversation(Conversations.newId(), owner, title, Conversations.T0,
        Conversations.T0.plusSeconds(texts.length), messages);
    TestStores.live().restore(conversation);
    HttpResponse<String> archived = service.send("POST", "/v1/users/me/conversations/" + conversation.id().value()
        + "/archive", tokens.hs256(tokens.userClaims(owner)));
    assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
    return conversation.id().value();
  }

  private static JsonNode search(TestService service, UserId owner, String q, String more) throws Exception {
    HttpResponse<String> response = service.send("GET", "/v1/users/me/archive?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + more, tokens.hs256(tokens.userClaims(owner)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.json(response);
  }

  private static List<String> ids(JsonNode page) {
    return page.get("items").findValuesAsText("id");
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void searchFindsWhatWasSaidInEveryVariant(StorageVariant variant) throws Exception {
    try (TestService service = TestService.start(TestService.config(variant, tokens), List.of())) {
      UserId alice = UserId.random();
      UserId bob = UserId.random();
      String lisbon = archive(service, alice, "Trip planning", "Where should we stay in Lisbon?",
          "The old town of Lisbon is lovely in spring.");
      String porto = archive(service, alice, "Porto", "Is the old town of Porto worth a day?");
      archive(service, bob, "Bob's Lisbon", "Lisbon for Bob.");

      JsonNode hits = search(service, alice, "\"old town\" -porto", "");
      assertThat(ids(hits)).containsExactly(lisbon);
      JsonNode hit = hits.at("/items/0");
      assertThat(hit.get("title").asText()).isEqualTo("Trip planning");
      assertThat(hit.get("messageCount").asInt()).isEqualTo(2);
      String snippet = hit.get("snippet").asText();
      assertThat(hit.get("highlights")).isNotEmpty().allSatisfy(range ->
          assertThat(snippet.substring(range.get(0).asInt(), range.get(1).asInt())).isIn("old", "town", "old town"));

      assertThat(ids(search(service, alice, "lisbon", ""))).as("bob's is not found").containsExactly(lisbon);
      JsonNode first = search(service, alice, "town", "&limit=1");
      JsonNode second = search(service, alice, "town", "&limit=1&cursor=" + first.get("nextCursor").asText());
      assertThat(List.of(ids(first).get(0), ids(second).get(0))).containsExactlyInAnyOrder(lisbon, porto);
      assertThat(second.get("nextCursor").isNull()).isTrue();

      String aliceToken = tokens.hs256(tokens.userClaims(alice));
      assertThat(service.send("POST", "/v1/users/me/archive/" + porto + "/restore", aliceToken).statusCode()).isEqualTo(200);
      assertThat(service.send("DELETE", "/v1/users/me/archive/" + lisbon, aliceToken).statusCode()).isEqualTo(204);
      assertThat(ids(search(service, alice, "town", ""))).as("restored and erased: neither found").isEmpty();

      for (String bad : List.of("", "   ", "-lisbon", "\"unclosed", "!!!", "x".repeat(201))) {
        HttpResponse<String> refused = service.send("GET", "/v1/users/me/archive?q=" + URLEncoder.encode(bad,
            StandardCharsets.UTF_8), aliceToken);
        assertThat(refused.statusCode()).as("q=" + bad + ": " + refused.body()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, names = {"PER_FILE_POSTGRES_INDEX", "SINGLE_FILE"})
  void titlesOnlySearchesTitlesAndOffRefuses(StorageVariant variant) throws Exception {
    AppConfig base = TestService.config(variant, tokens);
    UserId alice = UserId.random();
    try (TestService service = TestService.start(base.withSearch(new SearchSettings(SearchMode.TITLES, "simple")),
        List.of())) {
      String kayak = archive(service, alice, "Kayak plans", "We paddle on the river at dawn.");
      assertThat(ids(search(service, alice, "kayak", ""))).containsExactly(kayak);
      assertThat(ids(search(service, alice, "paddle", ""))).isEmpty();
    }
    try (TestService service = TestService.start(base.withSearch(new SearchSettings(SearchMode.OFF, "simple")), List.of())) {
      HttpResponse<String> refused = service.send("GET", "/v1/users/me/archive?q=kayak", tokens.hs256(tokens.userClaims(alice)));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("SEARCH=off");
    }
  }

  @org.junit.jupiter.api.Test
  void aSearchConfigTheDatabaseDoesNotHaveStopsStartUpNamingIt() {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestService.start(
            base.withSearch(new SearchSettings(SearchMode.FULL, "klingon")), List.of()).close())
        .hasMessageContaining("SEARCH_CONFIG").hasMessageContaining("klingon").hasMessageContaining("pg_ts_config");
  }
}
