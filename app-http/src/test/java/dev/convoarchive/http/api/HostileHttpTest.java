package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.RawHttp.Response;
import dev.convoarchive.http.support.RawHttp;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests as an attacker or a broken client sends them, over a plain socket: every answer is the
 * documented status with a problem document, decided in the right order (route, then credentials,
 * then the body), and names nothing inside the service.
 */
class HostileHttpTest {

  private static final Tokens tokens = Tokens.shared();
  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(StorageVariant.PER_FILE_POSTGRES_INDEX);

  private final UserId alice = UserId.random();

  private URI base() {
    return running.service().base();
  }

  private Response request(String method, String path, String... headers) {
    return RawHttp.send(base(), method + " " + path + " HTTP/1.1\r\nHost: localhost"
        + (headers.length == 0 ? "" : "\r\n" + String.join("\r\n", headers)) + "\r\nConnection: close", 0);
  }

  private static void assertProblem(Response response, int status, String code) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
    assertThat(response.body()).contains("\"code\":\"" + code + "\"").doesNotContain("Exception").doesNotContain("Hikari");
  }

  private String aliceToken() {
    return "Authorization: Bearer " + tokens.hs256(tokens.userClaims(alice));
  }

  @Test
  void aSignedTokenWithAWrongOrMissingAudienceIs401() {
    assertProblem(request("GET", "/v1/users/me/archive",
        "Authorization: Bearer " + tokens.hs256(tokens.userClaims(alice).audience("somebody-else"))), 401, "unauthenticated");
    assertProblem(request("GET", "/v1/users/me/archive",
        "Authorization: Bearer " + tokens.es256(tokens.userClaims(alice).audience((String) null))), 401, "unauthenticated");
    assertProblem(request("GET", "/v1/users/" + alice + "/archive",
        "Authorization: Bearer " + tokens.hs256(tokens.anonClaims())), 401, "unauthenticated");
  }

  @Test
  void aServiceRoleTokenWithAnAudienceSupabaseDoesNotGiveIsRefused() {
    for (String audience : List.of("authenticated", "anything")) {
      assertProblem(request("GET", "/v1/users/" + alice + "/archive",
          "Authorization: Bearer " + tokens.hs256(tokens.serviceRoleClaims().audience(audience))), 401, "unauthenticated");
    }
  }

  @Test
  void twoAuthorizationHeadersAre400() {
    String service = "Authorization: Bearer " + tokens.hs256(tokens.serviceRoleClaims());
    assertProblem(request("GET", "/v1/users/" + alice + "/archive", aliceToken(), service), 400, "invalid-request");
    assertProblem(request("GET", "/v1/users/" + alice + "/archive", aliceToken(), aliceToken()), 400, "invalid-request");
  }

  @Test
  void missingCredentialsAre401WhateverTheBody() {
    String path = "/v1/users/me/conversations/abc/archive";
    assertProblem(RawHttp.send(base(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5", 5),
        401, "unauthenticated");
    assertProblem(RawHttp.send(base(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 50000000", 50_000_000), 401, "unauthenticated");
    assertProblem(RawHttp.send(base(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Authorization: Bearer forged\r\nContent-Length: 5000000", 5_000_000), 401, "unauthenticated");
  }

  @Test
  void anUnknownRouteIs404WhateverTheBody() {
    assertProblem(RawHttp.send(base(), "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5", 5),
        404, "not-found");
    assertProblem(RawHttp.send(base(), "POST /v1/nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000", 50_000_000),
        404, "not-found");
  }

  @Test
  void anOversizedBodyOfAnySizeGetsIts413() {
    for (long size : List.of(2_000_000L, 40_000_000L, 200_000_000L)) {
      assertProblem(RawHttp.send(base(), "POST /v1/users/me/conversations/abc/archive HTTP/1.1\r\nHost: x\r\n" + aliceToken()
          + "\r\nContent-Type: application/json\r\nContent-Length: " + size, size), 413, "too-large");
    }
    // Without a length up front, the limit is found while reading.
    assertProblem(RawHttp.sendRaw(base(), "POST /v1/users/me/conversations/abc/archive HTTP/1.1\r\nHost: x\r\n" + aliceToken()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + ("100000\r\n" + "x".repeat(0x100000) + "\r\n").repeat(3) + "0\r\n\r\n"), 413, "too-large");
  }

  /**
   * A client that sends its whole body before it reads still reads the 413: the answer goes
   * first and the server reads the rest before it closes, as nginx's lingering close does,
   * instead of resetting the connection under the body (which threw the answer away).
   */
  @Test
  void aClientThatSendsItsWholeOversizedBodyFirstReadsThe413() throws Exception {
    for (String type : List.of("application/json", "application/octet-stream")) {
      Response response = RawHttp.sendAllThenRead(base(), "POST /v1/users/me/conversations/abc/archive HTTP/1.1\r\nHost: x\r\n"
          + aliceToken() + "\r\nContent-Type: " + type + "\r\nContent-Length: " + 33_000_000, 33_000_000);
      assertProblem(response, 413, "too-large");
    }
  }

  @Test
  void aSignedInClientThatTricklesItsBodyIsCutOffInsteadOfHoldingAWorker() {
    long started = System.nanoTime();
    Response response = RawHttp.trickle(base(), "POST /v1/users/me/conversations/abc/archive HTTP/1.1\r\nHost: x\r\n"
        + aliceToken() + "\r\nContent-Type: application/json\r\nContent-Length: 10000", Duration.ofMillis(500));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(response.status()).as(response.toString()).isIn(0, 400, 408);
    assertThat(response.body()).doesNotContain("\"internal\"");
    assertThat(took).as("cut off after " + took).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void headOnAGetRouteRunsTheRouteChecks() {
    assertThat(request("HEAD", "/v1/users/me/archive").status()).isEqualTo(401);
    assertThat(request("HEAD", "/v1/users/me/archive", aliceToken()).status()).isEqualTo(200);
    assertThat(request("HEAD", "/v1/users/" + UserId.random() + "/archive", aliceToken()).status()).isEqualTo(403);
    assertThat(request("HEAD", "/v1/users/me/archive/no-such-thing", aliceToken()).status()).isEqualTo(404);
    assertThat(request("HEAD", "/health/ready").status()).isEqualTo(request("GET", "/health/ready").status());
  }

  @Test
  void a405NamesTheAllowedMethods() {
    Response response = request("PUT", "/v1/users/me/archive/abc", aliceToken());
    assertProblem(response, 405, "method-not-allowed");
    assertThat(response.header("Allow")).contains("GET").contains("DELETE").contains("HEAD").doesNotContain("PUT");
    assertThat(request("BREW", "/v1/users/me/archive", aliceToken()).header("Allow")).contains("GET").contains("DELETE");
  }

  @Test
  void aMalformedCursorOfAnyShapeIs400() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    List<String> cursors = List.of("%zz", "%E0%A4%A", "%FF%FE", "99999999999999999999",
        b64.encodeToString("c1|99999999999999999999|0|abc".getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(("c1|" + Long.MAX_VALUE + "|" + Long.MAX_VALUE + "|abc").getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString("c1|1|-5|abc".getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString("c1|1|1000000000|abc".getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString("c1|01|0|abc".getBytes(StandardCharsets.UTF_8)), "", "=", "a b");
    for (String cursor : cursors) {
      Response response = request("GET", "/v1/users/me/archive?cursor=" + cursor.replace(" ", "%20"), aliceToken());
      assertThat(response.status()).as(cursor).isEqualTo(400);
      assertProblem(response, 400, "invalid-input");
    }
  }

  @Test
  void http09GetsAClientError() {
    Response response = RawHttp.sendRaw(base(), "GET /health/live\r\n");
    assertThat(response.status()).as(response.toString()).isBetween(400, 499);
    assertThat(response.body()).doesNotContain("\"internal\"");
  }

  @Test
  void anUploadCutShortIsAClientErrorNotA500() throws Exception {
    Conversation conversation = Conversations.sample(alice, 1);
    TestStores.live().restore(conversation);
    String path = "/v1/users/me/conversations/" + conversation.id() + "/archive";
    // Declares 1000 bytes, sends 3, closes its side.
    Response response = RawHttp.sendRaw(base(), "POST " + path + " HTTP/1.1\r\nHost: x\r\n" + aliceToken()
        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a", true);

    assertThat(response.status()).as("nobody is left to read an answer, if any").isIn(0, 400);
    assertThat(TestStores.live().find(alice, conversation.id())).as("nothing was archived").isPresent();
    String metrics = running.service().send("GET", "/metrics", null).body();
    assertThat(metrics).doesNotContain("status=\"500\"");
  }
}
