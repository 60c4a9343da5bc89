package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.testing.Faults;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/** Two service instances, each with its own S3 client and database pool, serving one bucket and one database. */
class TwoInstancesTest {

  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void fortyConcurrentArchivesForOneUserAcrossTwoInstancesAreAllKept(StorageVariant variant) throws Exception {
    try (TestService a = TestService.start(variant, tokens); TestService b = TestService.start(variant, tokens)) {
      List<TestService> instances = List.of(a, b);
      LiveConversations live = TestStores.live();
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      List<Conversation> conversations = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Conversation c = Conversations.sample(user, 2);
        live.restore(c);
        conversations.add(c);
      }

      List<Integer> statuses = Concurrently.run(40, t -> () -> List.of(instances.get(t % 2)
          .send("POST", "/v1/users/me/conversations/" + conversations.get(t).id() + "/archive", token).statusCode()));

      assertThat(statuses).hasSize(40).containsOnly(201);
      for (TestService instance : instances) {
        JsonNode page = Json.json(instance.send("GET", "/v1/users/me/archive?limit=100", token));
        Set<String> listed = StreamSupport.stream(page.get("items").spliterator(), false)
            .map(item -> item.get("id").asText()).collect(Collectors.toSet());
        assertThat(listed).containsExactlyInAnyOrderElementsOf(conversations.stream().map(c -> c.id().value()).toList());
      }
      for (Conversation c : conversations) {
        assertThat(b.send("GET", "/v1/users/me/archive/" + c.id(), token).statusCode()).isEqualTo(200);
        assertThat(live.find(user, c.id())).as("gone from the live database").isEmpty();
      }
    }
  }

  /**
   * The PostgreSQL index orders every change itself, so a store that ignores conditional writes
   * (as Supabase Storage's S3 protocol does) loses nothing: both instances archive every one of 30
   * conversations at once, and each is created exactly once, listed once and stored once.
   */
  @Test
  void withThePostgresIndexAStoreThatIgnoresConditionalWritesLosesNothing() throws Exception {
    AppConfig config = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    try (TestService a = TestService.start(config, List.of(new Faults().ignoreConditions(true)));
        TestService b = TestService.start(config, List.of(new Faults().ignoreConditions(true)));
        S3Client s3 = TestStores.s3Client()) {
      List<TestService> instances = List.of(a, b);
      LiveConversations live = TestStores.live();
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      List<Conversation> conversations = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Conversation c = Conversations.sample(user, 2);
        live.restore(c);
        conversations.add(c);
      }

      List<String> answers = Concurrently.run(60, t -> () -> {
        String id = conversations.get(t / 2).id().value();
        return List.of(id + ":" + instances.get(t % 2).send("POST", "/v1/users/me/conversations/" + id + "/archive", token)
            .statusCode());
      });

      for (Conversation c : conversations) {
        assertThat(answers).as("answers for %s", c.id()).filteredOn(x -> x.startsWith(c.id() + ":"))
            .containsExactlyInAnyOrder(c.id() + ":201", c.id() + ":200");
        assertThat(live.find(user, c.id())).as("gone from the live database").isEmpty();
        JsonNode got = Json.json(a.send("GET", "/v1/users/me/archive/" + c.id(), token));
        assertThat(got.get("messages")).hasSize(2);
      }
      Set<String> listed = new java.util.HashSet<>();
      JsonNode page = Json.json(b.send("GET", "/v1/users/me/archive?limit=1000", token));
      page.get("items").forEach(item -> listed.add(item.get("id").asText()));
      Set<String> stored = s3.listObjectsV2Paginator(r -> r.bucket(TestStores.BUCKET)
              .prefix(StorageVariant.PER_FILE_POSTGRES_INDEX.userObjects(config.s3().prefix(), user)))
          .contents().stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1).replace(".json", ""))
          .collect(Collectors.toSet());
      Set<String> expected = conversations.stream().map(c -> c.id().value()).collect(Collectors.toSet());
      assertThat(listed).as("listing").isEqualTo(expected);
      assertThat(stored).as("stored objects").isEqualTo(expected);
    }
  }
}
