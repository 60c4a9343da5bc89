package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.ArchiveLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two service instances, each with its own S3 client and database pool, serving one bucket and one database. */
class TwoInstancesTest {

  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @EnumSource(ArchiveLayout.class)
  void fortyConcurrentArchivesForOneUserAcrossTwoInstancesAreAllKept(ArchiveLayout layout) throws Exception {
    try (TestService a = TestService.start(layout, tokens); TestService b = TestService.start(layout, tokens)) {
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
        JsonNode page = LifecycleTest.json(instance.send("GET", "/v1/users/me/archive?limit=100", token));
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
}
