package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.Json;
import dev.convoarchive.http.support.StorageSnapshot;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hostile and malformed requests from a signed-in user who owns data: each must get a 4xx
 * problem+json answer, never a 500, and leave the bucket and the database exactly as they were.
 */
class BadInputTest {

  private static final Tokens tokens = Tokens.shared();

  record Bad(String method, String path, String contentType, String body) {
    @Override
    public String toString() {
      return method + " " + (path.length() > 120 ? path.substring(0, 120) + "..." : path)
          + (contentType == null ? "" : " [" + contentType + ", " + body.length() + " chars]");
    }
  }

  static List<Bad> corpus(String liveId, String archivedId, String user) {
    String base = "/v1/users/me";
    String cursorDotDot = Base64.getUrlEncoder().withoutPadding().encodeToString("c1|1|2|..".getBytes(StandardCharsets.UTF_8));
    String cursorWrongVersion = Base64.getUrlEncoder().withoutPadding().encodeToString("c9|1|2|abc".getBytes(StandardCharsets.UTF_8));
    String megabyteJson = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
    List<Bad> bad = new ArrayList<>();
    for (String hostile : List.of("..%2F..%2Fetc%2Fpasswd", "a%2Fb", "%2e%2e", "a%00b", "a%20b", "%C3%A9t%C3%A9", "a".repeat(129),
        "_metadata", "-leading", "a.json", "a%0Ab", "%252F", "a%5Cb", "%E2%80%AEevil")) {
      bad.add(new Bad("GET", base + "/archive/" + hostile, null, null));
    }
    bad.add(new Bad("POST", base + "/conversations/..%2F" + archivedId + "/archive", null, null));
    bad.add(new Bad("POST", base + "/conversations/a%2Fb/archive", null, null));
    bad.add(new Bad("POST", base + "/archive/_metadata/restore", null, null));
    bad.add(new Bad("DELETE", base + "/archive/%2e%2e%2f" + archivedId, null, null));
    bad.add(new Bad("DELETE", base + "/archive/" + archivedId + "%2F..", null, null));
    bad.add(new Bad("GET", "/v1/users/not-a-uuid/archive", null, null));
    bad.add(new Bad("GET", "/v1/users/ME/archive", null, null));
    bad.add(new Bad("DELETE", "/v1/users/..%2F" + user + "/archive", null, null));
    for (String limit : List.of("0", "-1", "1001", "abc", "1.5", "", "99999999999", "1e3")) {
      bad.add(new Bad("GET", base + "/archive?limit=" + limit, null, null));
    }
    for (String cursor : List.of("garbage!!", cursorWrongVersion, "%00", cursorDotDot, "x".repeat(5000))) {
      bad.add(new Bad("GET", base + "/archive?cursor=" + cursor, null, null));
    }
    bad.add(new Bad("PUT", base + "/archive/" + archivedId, "application/json", "{}"));
    bad.add(new Bad("PATCH", base + "/archive", "application/json", "{}"));
    bad.add(new Bad("DELETE", base + "/export", null, null));
    bad.add(new Bad("GET", base + "/conversations/" + liveId + "/archive", null, null));
    bad.add(new Bad("POST", base + "/conversations/" + liveId + "/archive", "text/plain", "hello"));
    bad.add(new Bad("POST", base + "/conversations/" + liveId + "/archive", "application/xml", "<archive/>"));
    bad.add(new Bad("POST", base + "/conversations/" + liveId + "/archive", "application/json", "[1,2]"));
    bad.add(new Bad("POST", base + "/conversations/" + liveId + "/archive", "application/json", "{not json"));
    bad.add(new Bad("POST", base + "/conversations/" + liveId + "/archive", "application/json", megabyteJson));
    bad.add(new Bad("DELETE", base + "/archive/" + archivedId, "application/json", megabyteJson));
    bad.add(new Bad("DELETE", base + "/archive", "text/plain", "everything"));
    bad.add(new Bad("POST", base + "/archive/" + archivedId + "/restore", "application/x-www-form-urlencoded", "a=b"));
    return bad;
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void everyBadRequestGetsA4xxProblemAndWritesNothing(StorageVariant variant) {
    try (TestService service = TestService.start(variant, tokens);
        S3Client s3 = TestStores.s3Client()) {
      UserId user = UserId.random();
      String token = tokens.hs256(tokens.userClaims(user));
      Conversation live = Conversations.sample(user, 2);
      Conversation archived = Conversations.sample(user, 3);
      TestStores.live().restore(live);
      TestStores.live().restore(archived);
      assertThat(service.send("POST", "/v1/users/me/conversations/" + archived.id() + "/archive", token).statusCode())
          .isEqualTo(201);
      StorageSnapshot before = StorageSnapshot.take(s3);
      List<Bad> corpus = corpus(live.id().value(), archived.id().value(), user.toString());
      assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);

      List<String> wrong = new ArrayList<>();
      for (Bad request : corpus) {
        HttpResponse<String> response = service.send(request.method(), request.path(), token, request.contentType(), request.body());
        String why = problemMismatch(response);
        if (why != null) {
          wrong.add(request + " -> " + response.statusCode() + " " + why + ": " + response.body());
        }
      }

      assertThat(wrong).as("requests not answered with a 4xx problem").isEmpty();
      assertThat(StorageSnapshot.take(s3)).as("storage after the bad requests").isEqualTo(before);
    }
  }

  /** Null when the response is a 4xx problem+json whose status matches; otherwise what is wrong. */
  private static String problemMismatch(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status < 400 || status >= 500) {
      return "not a 4xx";
    }
    if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
      return "not problem+json";
    }
    JsonNode problem = Json.readTree(response.body());
    if (problem.path("status").asInt() != status || problem.path("title").asText().isEmpty()
        || problem.path("type").asText().isEmpty() || problem.path("detail").asText().isEmpty()) {
      return "incomplete problem";
    }
    return null;
  }
}
