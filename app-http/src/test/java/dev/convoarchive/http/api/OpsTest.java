package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpsTest {

  private static final Tokens tokens = Tokens.shared();
  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(StorageVariant.PER_FILE_POSTGRES_INDEX);

  @Test
  void livenessAndReadinessAnswerWithoutAToken() {
    assertThat(running.service().send("GET", "/health/live", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = running.service().send("GET", "/health/ready", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"bucket\":\"up\"").contains("\"database\":\"up\"");
  }

  @Test
  void metricsCountHttpAndS3RequestsByOperation() {
    UserId user = UserId.random();
    var conversation = Conversations.sample(user, 1);
    TestStores.live().restore(conversation);
    String token = tokens.hs256(tokens.userClaims(user));
    assertThat(running.service().send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive", token).statusCode())
        .isEqualTo(201);

    String metrics = running.service().send("GET", "/metrics", null).body();

    assertThat(metrics).contains("http_server_requests_seconds_count{method=\"POST\",route=\"/v1/users/{user}/conversations/{id}/archive\",status=\"201\"}");
    assertThat(metrics).contains("s3_requests_seconds_count{operation=\"PutObject\",status=\"200\"}");
    assertThat(metrics).contains("archive_cas_retries_total");
  }

  @Test
  void everyResponseAndProblemCarriesTheRequestId() {
    HttpResponse<String> response = running.service().send(HttpRequest.newBuilder(URI.create(running.service().base() + "/v1/users/me/archive"))
        .header("X-Request-Id", "trace-42").build());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("X-Request-Id")).contains("trace-42");
    assertThat(response.body()).contains("\"requestId\":\"trace-42\"");

    HttpResponse<String> hostile = running.service().send(HttpRequest.newBuilder(URI.create(running.service().base() + "/health/live"))
        .header("X-Request-Id", "x".repeat(300)).build());
    assertThat(hostile.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
  }

  /** Metric labels come from a closed set: a method a client makes up is counted as OTHER, not as a new series. */
  @Test
  void madeUpMethodsDoNotBecomeNewMetricSeries() {
    String before = running.service().send("GET", "/metrics", null).body();
    for (int i = 0; i < 40; i++) {
      HttpResponse<String> answer = running.service().send(HttpRequest.newBuilder(
          URI.create(running.service().base() + "/v1/users/me/archive")).method("MADEUP" + i, HttpRequest.BodyPublishers.noBody()).build());
      assertThat(answer.statusCode()).isGreaterThanOrEqualTo(400).isLessThan(500);
    }

    String after = running.service().send("GET", "/metrics", null).body();
    assertThat(after).doesNotContain("MADEUP").contains("method=\"OTHER\"");
    long seriesBefore = before.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")).count();
    long seriesAfter = after.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")).count();
    assertThat(seriesAfter - seriesBefore).as("new series for 40 made-up methods").isLessThanOrEqualTo(3);
  }

  @Test
  void aNoContentAnswerCarriesNoContentType() {
    String token = tokens.hs256(tokens.userClaims(UserId.random()));
    HttpResponse<String> erased = running.service().send("DELETE", "/v1/users/me/archive", token);

    assertThat(erased.statusCode()).isEqualTo(204);
    assertThat(erased.headers().firstValue("Content-Type")).as("Content-Type of a 204").isEmpty();
    assertThat(erased.body()).isEmpty();
  }
}
