package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two requests on one conversation at once, many rounds, each layout and index: whatever order
 * they took, their answers must describe it, and the final state must be what they said.
 */
class RacingRequestsTest {

  private static final Logger LOG = LoggerFactory.getLogger(RacingRequestsTest.class);
  private static final Tokens tokens = Tokens.shared();
  // The suite runs 10 rounds; docs/reliability.md records a run of 25 (-Dracing.rounds=25).
  private static final int ROUNDS = Integer.getInteger("racing.rounds", 10);

  private static List<HttpResponse<String>> race(ExecutorService pool, TestService service, String token,
      String[]... requests) throws Exception {
    CyclicBarrier start = new CyclicBarrier(requests.length);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (String[] request : requests) {
      answers.add(pool.submit((Callable<HttpResponse<String>>) () -> {
        start.await();
        return service.send(request[0], request[1], token);
      }));
    }
    List<HttpResponse<String>> responses = new ArrayList<>();
    for (Future<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get();
      assertThat(response.statusCode()).as(response.body()).isNotEqualTo(500);
      assertThat(response.body()).doesNotContain("archived_conversations/").doesNotContain("_metadata");
      if (response.statusCode() == 503) {
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
      }
      responses.add(response);
    }
    return responses;
  }

  /** A conversation of {@code user}'s, made live and then archived over HTTP: where each round starts. */
  private static Conversation archivedThroughTheApi(TestService service, UserId user, String token) {
    Conversation conversation = Conversations.sample(user, 2);
    TestStores.live().restore(conversation);
    assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
        .isEqualTo(201);
    return conversation;
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void anEraseRacingARestoreIsNeverUndone(StorageVariant variant) throws Exception {
    LiveConversations live = TestStores.live();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    int erased = 0;
    int restored = 0;
    try (TestService service = TestService.start(variant, tokens)) {
      for (int round = 0; round < ROUNDS; round++) {
        UserId user = UserId.random();
        String token = tokens.hs256(tokens.userClaims(user));
        Conversation conversation = archivedThroughTheApi(service, user, token);
        String id = conversation.id().value();

        List<HttpResponse<String>> answers = race(pool, service, token,
            new String[] {"DELETE", "/v1/users/me/archive/" + id}, new String[] {"POST", "/v1/users/me/archive/" + id + "/restore"});
        int delete = answers.get(0).statusCode();
        int restore = answers.get(1).statusCode();

        boolean isLive = live.find(user, conversation.id()).isPresent();
        boolean isArchived = service.send("GET", "/v1/users/me/archive/" + id, token).statusCode() == 200;
        String story = "round " + round + ": DELETE " + delete + ", restore " + restore + ", live " + isLive + ", archived " + isArchived;
        if (delete == 204) {
          erased++;
          // Erased first: the restore found nothing, and nothing is anywhere.
          assertThat(restore).as(story).isEqualTo(404);
          assertThat(isLive || isArchived).as(story).isFalse();
        } else {
          // Restored first: the erase was refused, and the conversation is live, once.
          assertThat(delete).as(story).isIn(404, 409);
          assertThat(restore).as(story).isEqualTo(200);
          restored++;
          assertThat(isLive).as(story).isTrue();
          assertThat(isArchived).as(story).isFalse();
        }
      }
    } finally {
      pool.shutdownNow();
    }
    LOG.warn("{}: {} rounds of erase vs restore: {} erased first, {} restored first", variant, ROUNDS, erased, restored);
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void anArchiveRacingARestoreNeverAnswersNotFoundOrConflict(StorageVariant variant) throws Exception {
    LiveConversations live = TestStores.live();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
    try (TestService service = TestService.start(variant, tokens)) {
      for (int round = 0; round < ROUNDS; round++) {
        UserId user = UserId.random();
        String token = tokens.hs256(tokens.userClaims(user));
        Conversation conversation = archivedThroughTheApi(service, user, token);
        String id = conversation.id().value();

        List<HttpResponse<String>> answers = race(pool, service, token,
            new String[] {"POST", "/v1/users/me/conversations/" + id + "/archive"},
            new String[] {"POST", "/v1/users/me/archive/" + id + "/restore"});
        String story = "round " + round + ": archive " + answers.get(0).statusCode() + " " + answers.get(0).body()
            + ", restore " + answers.get(1).statusCode() + " " + answers.get(1).body();

        assertThat(answers.get(0).statusCode()).as(story).isIn(200, 201, 503);
        assertThat(answers.get(1).statusCode()).as(story).isIn(200, 503);
        boolean isLive = live.find(user, conversation.id()).isPresent();
        boolean isArchived = service.send("GET", "/v1/users/me/archive/" + id, token).statusCode() == 200;
        assertThat(isLive ^ isArchived).as(story + ": in exactly one place").isTrue();
        outcomes.merge("archive " + answers.get(0).statusCode() + " + restore " + answers.get(1).statusCode()
            + " -> " + (isLive ? "live" : "archived"), 1, Integer::sum);
      }
    } finally {
      pool.shutdownNow();
    }
    LOG.warn("{}: {} rounds of archive vs restore: {}", variant, ROUNDS, outcomes);
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void racingEraseAllsCountEachConversationOnce(StorageVariant variant) throws Exception {
    LiveConversations live = TestStores.live();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (TestService service = TestService.start(variant, tokens)) {
      for (int round = 0; round < 3; round++) {
        UserId user = UserId.random();
        String token = tokens.hs256(tokens.userClaims(user));
        int count = 20 + round;
        for (int i = 0; i < count; i++) {
          Conversation conversation = Conversations.sample(user, 1);
          live.restore(conversation);
          assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
              .isEqualTo(201);
        }
        List<HttpResponse<String>> answers = race(pool, service, token,
            new String[] {"DELETE", "/v1/users/me/archive"}, new String[] {"DELETE", "/v1/users/me/archive"});
        int reported = 0;
        for (HttpResponse<String> answer : answers) {
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(204);
          reported += Integer.parseInt(answer.headers().firstValue("X-Deleted-Count").orElseThrow());
        }
        assertThat(reported).as("round " + round + ": erased counts of both answers").isEqualTo(count);
        assertThat(service.send("GET", "/v1/users/me/archive", token).body()).contains("\"items\":[]");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void idsTheDatabaseTreatsAsEqualNameOneArchivedConversation(StorageVariant variant) {
    LiveConversations live = TestStores.live();
    try (TestService service = TestService.start(variant, tokens)) {
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      Conversation conversation = Conversations.sample(user, 2);
      live.restore(conversation);
      String id = conversation.id().value();
      String upper = id.toUpperCase(Locale.ROOT);
      String unhyphenated = id.replace("-", "");

      HttpResponse<String> archived = service.send("POST", "/v1/users/me/conversations/" + upper + "/archive", token);
      assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
      assertThat(archived.body()).contains("\"id\":\"" + id + "\"");
      assertThat(live.find(user, conversation.id())).isEmpty();
      for (String spelling : List.of(id, upper, unhyphenated)) {
        assertThat(service.send("GET", "/v1/users/me/archive/" + spelling, token).statusCode()).as(spelling).isEqualTo(200);
      }
      assertThat(service.send("POST", "/v1/users/me/conversations/" + unhyphenated + "/archive", token).statusCode())
          .as("archiving again under another spelling").isEqualTo(200);
      assertThat(service.send("GET", "/v1/users/me/archive", token).body()).containsOnlyOnce("\"id\"");

      assertThat(service.send("POST", "/v1/users/me/archive/" + upper + "/restore", token).statusCode()).isEqualTo(200);
      assertThat(live.find(user, ConversationId.of(id))).isPresent();
      assertThat(service.send("GET", "/v1/users/me/archive/" + id, token).statusCode()).isEqualTo(404);
    }
  }
}
