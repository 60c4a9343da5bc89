package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.LogCapture;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A chat app's front end calls the service from its own origin, as supabase-js's fetch does: a
 * preflight, then the request with the user's token. Only the configured origins get the CORS
 * headers; a request from another origin is refused before it does anything.
 */
class CorsTest {

  private static final String ALLOWED = "https://chat.example.com";
  private static final String REFUSED = "https://evil.example.net";
  private static final Tokens tokens = Tokens.shared();
  private static TestService service;
  private final UserId user = UserId.random();
  private final String token = tokens.hs256(tokens.userClaims(user));

  @BeforeAll
  static void start() {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    service = TestService.start(base.withWeb(base.web().withCorsAllowedOrigins(List.of(ALLOWED, "http://localhost:3000"))),
        List.of());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static HttpResponse<String> preflight(String origin, String method, String headers) {
    return service.send(HttpRequest.newBuilder(service.base().resolve("/v1/users/me/archive"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
        .build());
  }

  private HttpResponse<String> fromOrigin(String method, String path, String origin, String bearer) {
    HttpRequest.Builder request = HttpRequest.newBuilder(service.base().resolve(path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return service.send(request.build());
  }

  @Test
  void aPreflightFromAnAllowedOriginAllowsWhatASupabaseFrontEndSends() {
    HttpResponse<String> response = preflight(ALLOWED, "DELETE", "authorization,apikey,x-client-info,content-type");

    assertThat(response.statusCode()).as("an ok status, as the Fetch standard requires").isBetween(200, 299);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("DELETE");
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
        .contains("authorization").contains("apikey").contains("x-client-info").contains("content-type");
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).contains("600");
    assertThat(response.headers().allValues("Vary").toString()).contains("Origin");
  }

  @Test
  void aPreflightFromAnotherOriginIsRefusedVisibly() {
    try (LogCapture log = new LogCapture(dev.convoarchive.http.api.HttpServer.class)) {
      HttpResponse<String> response = preflight(REFUSED, "GET", "authorization");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(response.body()).contains("\"code\":\"origin-not-allowed\"");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
      assertThat(log.lines()).anyMatch(line -> line.startsWith("OPTIONS /v1/users/me/archive -> 403"));
    }
  }

  @Test
  void aPreflightIsLoggedWithTheStatusItWasAnswered() {
    try (LogCapture log = new LogCapture(dev.convoarchive.http.api.HttpServer.class)) {
      HttpResponse<String> response = preflight(ALLOWED, "GET", "authorization");

      assertThat(response.statusCode()).isBetween(200, 299);
      assertThat(log.lines()).as("the status sent").anyMatch(line -> line.startsWith("OPTIONS /v1/users/me/archive -> "
          + response.statusCode() + " "));
    }
  }

  @Test
  void anAllowedOriginsRequestsCarryTheHeadersAPageNeedsToReadTheAnswer() {
    HttpResponse<String> listed = fromOrigin("GET", "/v1/users/me/archive", ALLOWED, token);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED);
    assertThat(listed.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("X-Request-Id").contains("Retry-After").contains("Content-Disposition");

    // A page must be able to read a 401 to show its sign-in prompt.
    HttpResponse<String> unauthenticated = fromOrigin("GET", "/v1/users/me/archive", "http://localhost:3000", null);
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    assertThat(unauthenticated.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:3000");
  }

  @Test
  void aRequestFromAnotherOriginIsRefusedAndChangesNothing() {
    Conversation conversation = Conversations.sample(user, 2);
    TestStores.live().restore(conversation);
    String path = "/v1/users/me/conversations/" + conversation.id().value() + "/archive";

    HttpResponse<String> refused = fromOrigin("POST", path, REFUSED, token);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(refused.body()).contains("\"code\":\"origin-not-allowed\"").contains("CORS_ALLOWED_ORIGINS");
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(TestStores.live().find(user, conversation.id())).as("still live").isPresent();

    assertThat(fromOrigin("POST", path, ALLOWED, token).statusCode()).isEqualTo(201);
    assertThat(TestStores.live().find(user, conversation.id())).isEmpty();
  }

  /** A page the service serves itself is not cross-origin: browsers send Origin on its POSTs all the same. */
  @Test
  void aSameOriginRequestNeedsNoListing() {
    Conversation conversation = Conversations.sample(user, 1);
    TestStores.live().restore(conversation);
    String self = "http://" + service.base().getAuthority();

    HttpResponse<String> archived = fromOrigin("POST", "/v1/users/me/conversations/" + conversation.id().value() + "/archive",
        self, token);

    assertThat(archived.statusCode()).as(archived.body()).isEqualTo(201);
  }

  @Test
  void withoutAllowedOriginsNoPageMayCall() {
    try (TestService plain = TestService.start(TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens), List.of())) {
      HttpResponse<String> response = plain.send(HttpRequest.newBuilder(plain.base().resolve("/v1/users/me/archive"))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", ALLOWED)
          .header("Access-Control-Request-Method", "GET")
          .build());
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(response.statusCode()).as("refused visibly: " + response.body()).isEqualTo(403);
    }
  }
}
