package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.testing.Faults;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What one archive over HTTP costs in S3 requests: the PostgreSQL index one PUT; the S3 index at
 * most three the first time, two once this instance wrote the user's index last (the ETag it
 * wrote is still current, so no read); single-file likewise one fewer.
 */
class S3RequestsPerArchiveTest {

  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @CsvSource({"PER_FILE_POSTGRES_INDEX, 1, 1, 1, 0", "PER_FILE_S3_INDEX, 3, 2, 1, 1", "SINGLE_FILE, 2, 1, 1, 1"})
  void anArchiveARetrieveAndAListCostAtMost(StorageVariant variant, int archive, int nextArchive, int retrieve, int list) {
    Faults counter = new Faults();
    try (TestService service = TestService.start(TestService.config(variant, tokens), List.of(counter))) {
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      Conversation conversation = Conversations.sample(user, 2);
      TestStores.live().restore(conversation);

      long before = counter.requests.get();
      assertThat(service.send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
          .isEqualTo(201);
      assertThat(counter.requests.get() - before).as("S3 requests of an archive").isLessThanOrEqualTo(archive);

      Conversation next = Conversations.sample(user, 1);
      TestStores.live().restore(next);
      before = counter.requests.get();
      assertThat(service.send("POST", "/v1/users/me/conversations/" + next.id() + "/archive", token).statusCode())
          .isEqualTo(201);
      assertThat(counter.requests.get() - before).as("S3 requests of the next archive by the same instance")
          .isEqualTo(nextArchive);

      before = counter.requests.get();
      assertThat(service.send("GET", "/v1/users/me/archive/" + conversation.id(), token).statusCode()).isEqualTo(200);
      assertThat(counter.requests.get() - before).as("S3 requests of a retrieve").isEqualTo(retrieve);

      before = counter.requests.get();
      assertThat(service.send("GET", "/v1/users/me/archive", token).statusCode()).isEqualTo(200);
      assertThat(counter.requests.get() - before).as("S3 requests of a list").isEqualTo(list);
    }
  }
}
