package dev.convoarchive.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may do what: every kind of token against the archive listing, which is otherwise harmless. */
class AuthTest {

  private static final Tokens tokens = Tokens.shared();
  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(StorageVariant.PER_FILE_POSTGRES_INDEX);
  private final UserId alice = UserId.random();

  private HttpResponse<String> listAs(String user, String token) {
    return running.service().send("GET", "/v1/users/" + user + "/archive", token);
  }

  private static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(response.body()).contains("\"code\":\"" + code + "\"");
  }

  @Test
  void aUsersOwnTokenWorksWithEverySigningKey() {
    assertThat(listAs("me", tokens.hs256(tokens.userClaims(alice))).statusCode()).isEqualTo(200);
    assertThat(listAs("me", tokens.es256(tokens.userClaims(alice))).statusCode()).isEqualTo(200);
    assertThat(listAs(alice.toString(), tokens.rs256(tokens.userClaims(alice))).statusCode()).isEqualTo(200);
  }

  @Test
  void noTokenIs401WithAChallenge() {
    HttpResponse<String> response = listAs("me", null);
    assertProblem(response, 401, "unauthenticated");
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }

  @Test
  void malformedTokensAre401() {
    assertProblem(listAs("me", "not-a-jwt"), 401, "unauthenticated");
    assertProblem(listAs("me", "a.b.c"), 401, "unauthenticated");
    HttpResponse<String> basic = running.service().send(java.net.http.HttpRequest.newBuilder(running.service().base().resolve("/v1/users/me/archive"))
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0").build());
    assertProblem(basic, 401, "unauthenticated");
  }

  @Test
  void aWrongSignatureIs401() {
    assertProblem(listAs("me", tokens.hs256(tokens.userClaims(alice), "another-secret-that-is-long-enough-0123456789")),
        401, "unauthenticated");
    assertProblem(listAs("me", tokens.es256WithUnknownKey(tokens.userClaims(alice))), 401, "unauthenticated");
    String good = tokens.hs256(tokens.userClaims(alice));
    String[] parts = good.split("\\.");
    String forgedPayload = Base64URL.encode(("{\"sub\":\"" + UserId.random() + "\",\"aud\":\"authenticated\",\"exp\":9999999999}")
        .getBytes(StandardCharsets.UTF_8)).toString();
    assertProblem(listAs("me", parts[0] + "." + forgedPayload + "." + parts[2]), 401, "unauthenticated");
  }

  @Test
  void anExpiredOrNotYetValidTokenIs401() {
    JWTClaimsSet.Builder expired = tokens.userClaims(alice).expirationTime(Date.from(Instant.now().minusSeconds(3600)));
    assertProblem(listAs("me", tokens.hs256(expired)), 401, "token-expired");
    JWTClaimsSet.Builder future = tokens.userClaims(alice).notBeforeTime(Date.from(Instant.now().plusSeconds(3600)));
    assertProblem(listAs("me", tokens.es256(future)), 401, "unauthenticated");
    JWTClaimsSet.Builder noExpiry = tokens.userClaims(alice).expirationTime(null);
    assertProblem(listAs("me", tokens.hs256(noExpiry)), 401, "unauthenticated");
  }

  @Test
  void unsignedTokensAreRefused() {
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)).toString();
    String payload = Base64URL.encode(("{\"sub\":\"" + alice + "\",\"aud\":\"authenticated\",\"role\":\"service_role\",\"exp\":9999999999}")
        .getBytes(StandardCharsets.UTF_8)).toString();
    assertProblem(listAs("me", header + "." + payload + "."), 401, "unauthenticated");
  }

  @Test
  void algorithmConfusionIsRefused() {
    assertProblem(listAs("me", tokens.hs256WithRsaPublicKey(tokens.userClaims(alice))), 401, "unauthenticated");
  }

  @Test
  void aTokenFromAnotherIssuerIs401() {
    assertProblem(listAs("me", tokens.es256(tokens.userClaims(alice).issuer("https://evil.example/auth/v1"))),
        401, "unauthenticated");
  }

  @Test
  void anotherUsersArchiveIs403() {
    String token = tokens.hs256(tokens.userClaims(alice));
    assertProblem(listAs(UserId.random().toString(), token), 403, "forbidden");
    assertProblem(running.service().send("DELETE", "/v1/users/" + UserId.random() + "/archive", token), 403, "forbidden");
  }

  @Test
  void theServiceRoleActsForAnyUserButIsNoUserItself() {
    String serviceKey = tokens.hs256(tokens.serviceRoleClaims());
    assertThat(listAs(alice.toString(), serviceKey).statusCode()).isEqualTo(200);
    assertThat(listAs(UserId.random().toString(), tokens.es256(tokens.serviceRoleClaims().issuer(tokens.issuer())))
        .statusCode()).isEqualTo(200);
    assertProblem(listAs("me", serviceKey), 400, "invalid-input");
  }

  @Test
  void theAnonKeyAndTokensWithoutAUserAreNoCredentials() {
    // Validly signed, but proving no identity this service knows: 401, as for no token at all.
    assertProblem(listAs("me", tokens.hs256(tokens.anonClaims())), 401, "unauthenticated");
    assertProblem(listAs(alice.toString(), tokens.hs256(tokens.anonClaims())), 401, "unauthenticated");
    JWTClaimsSet.Builder noSubject = tokens.userClaims(alice).subject(null);
    assertProblem(listAs(alice.toString(), tokens.hs256(noSubject)), 401, "unauthenticated");
    JWTClaimsSet.Builder wrongAudience = tokens.userClaims(alice).audience("anon");
    assertProblem(listAs("me", tokens.hs256(wrongAudience)), 401, "unauthenticated");
  }

  @Test
  void keysAreFetchedOnceAndCached() {
    assertThat(listAs("me", tokens.es256(tokens.userClaims(alice))).statusCode()).isEqualTo(200);
    int fetched = tokens.jwksFetches(); // the stand-in Auth is shared with other test classes
    for (int i = 0; i < 5; i++) {
      assertThat(listAs("me", tokens.es256(tokens.userClaims(alice))).statusCode()).isEqualTo(200);
    }
    assertThat(tokens.jwksFetches()).isEqualTo(fetched);
  }

  /** Supabase Auth out of reach is no verdict on the token: 503 with Retry-After, no network detail. */
  @Test
  void anUnreachableSupabaseAuthIs503WithRetryAfterNot401() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AppConfig unreachable = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens)
        .withAuth(new AppConfig.AuthSettings(Optional.of(Tokens.SECRET), Optional.of(URI.create("http://127.0.0.1:" + closedPort))));
    try (TestService service = TestService.start(unreachable, List.of())) {
      HttpResponse<String> response = service.send("GET", "/v1/users/me/archive", tokens.es256(tokens.userClaims(alice)));

      assertProblem(response, 503, "auth-unavailable");
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
      assertThat(response.body()).doesNotContain("Connection refused").doesNotContain("JWK").doesNotContain(":" + closedPort);
      String legacy = tokens.hs256(tokens.userClaims(alice).issuer("http://127.0.0.1:" + closedPort + "/auth/v1"));
      assertThat(service.send("GET", "/v1/users/me/archive", legacy).statusCode())
          .as("the legacy secret needs no JWKS").isEqualTo(200);
    }
  }
}
