package dev.convoarchive.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.config.AppConfig.AuthSettings;
import dev.convoarchive.http.support.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenVerifierTest {

  @Test
  void aRotatedKeyIsPickedUpByOneRefetchAndAnUnknownKidCostsOneFetch() {
    try (Tokens tokens = new Tokens()) {
      TokenVerifier verifier = new TokenVerifier(new AuthSettings(Optional.empty(), Optional.of(tokens.supabaseUrl())),
          Duration.ZERO);
      UserId user = UserId.random();

      assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user)))).isEqualTo(Caller.user(user));
      assertThat(tokens.jwksFetches()).isEqualTo(1);

      assertThat(verifier.verify("Bearer " + tokens.es256WithRotatedKey(tokens.userClaims(user)))).isEqualTo(Caller.user(user));
      assertThat(tokens.jwksFetches()).as("the new kid made one refetch").isEqualTo(2);

      assertThatThrownBy(() -> verifier.verify("Bearer " + tokens.es256WithUnknownKey(tokens.userClaims(user))))
          .isInstanceOf(AuthException.class);
      assertThat(tokens.jwksFetches()).as("an unknown kid is refetched once, not in a loop").isEqualTo(3);

      assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user)))).isEqualTo(Caller.user(user));
      assertThat(tokens.jwksFetches()).as("known keys come from the cache").isEqualTo(3);
    }
  }

  @Test
  void withOnlyTheJwksHs256IsRefusedAndWithOnlyTheSecretEs256Is() {
    try (Tokens tokens = new Tokens()) {
      UserId user = UserId.random();
      TokenVerifier jwksOnly = new TokenVerifier(new AuthSettings(Optional.empty(), Optional.of(tokens.supabaseUrl())));
      assertThatThrownBy(() -> jwksOnly.verify("Bearer " + tokens.hs256(tokens.userClaims(user))))
          .hasMessageContaining("HS256 are not accepted");
      TokenVerifier secretOnly = new TokenVerifier(new AuthSettings(Optional.of(Tokens.SECRET), Optional.empty()));
      assertThatThrownBy(() -> secretOnly.verify("Bearer " + tokens.es256(tokens.userClaims(user))))
          .hasMessageContaining("ES256 are not accepted");
      assertThat(secretOnly.verify("Bearer " + tokens.hs256(tokens.userClaims(user)))).isEqualTo(Caller.user(user));
    }
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItExpiresAtMostHalfAMinuteAndARefusedOneIsNot() {
    try (Tokens tokens = new Tokens()) {
      AtomicLong nanos = new AtomicLong();
      TokenVerifier verifier = new TokenVerifier(new AuthSettings(Optional.of(Tokens.SECRET), Optional.empty()),
          TokenVerifier.MIN_REFETCH_INTERVAL, nanos::get, TokenVerifier.JWKS_CACHED_FOR);
      UserId user = UserId.random();
      String token = "Bearer " + tokens.hs256(tokens.userClaims(user));
      assertThat(verifier.verify(token)).isEqualTo(Caller.user(user));
      assertThat(verifier.verify(token)).as("answered from memory").isEqualTo(Caller.user(user));
      assertThat(verifier.rememberedTokens()).isEqualTo(1);

      String forged = "Bearer " + tokens.hs256(tokens.userClaims(user), "another-secret-that-is-long-enough-for-hs256-000");
      assertThatThrownBy(() -> verifier.verify(forged)).isInstanceOf(AuthException.class);
      assertThatThrownBy(() -> verifier.verify(forged)).as("a refused token is checked again").isInstanceOf(AuthException.class);
      assertThat(verifier.rememberedTokens()).isEqualTo(1);

      UserId other = UserId.random();
      verifier.verify("Bearer " + tokens.hs256(tokens.userClaims(other).expirationTime(Date.from(Instant.now().plusSeconds(5)))));
      assertThat(verifier.rememberedTokens()).isEqualTo(2);
      nanos.addAndGet(Duration.ofSeconds(6).toNanos());
      assertThat(verifier.rememberedTokens()).as("gone when the token expired").isEqualTo(1);
      nanos.addAndGet(TokenVerifier.REMEMBERED_FOR.toNanos());
      assertThat(verifier.rememberedTokens()).as("an hour's token is remembered half a minute").isZero();
    }
  }

  @Test
  void aWithdrawnKeyStopsItsTokensOnceTheCachedJwksAndTheRememberedTokenExpire() {
    try (Tokens tokens = new Tokens()) {
      AtomicLong nanos = new AtomicLong();
      Duration cachedFor = Duration.ofMillis(300); // Nimbus times the JWKS by the system clock
      TokenVerifier verifier = new TokenVerifier(new AuthSettings(Optional.empty(), Optional.of(tokens.supabaseUrl())),
          Duration.ZERO, nanos::get, cachedFor);
      UserId user = UserId.random();
      String remembered = "Bearer " + tokens.es256(tokens.userClaims(user));
      assertThat(verifier.verify(remembered)).isEqualTo(Caller.user(user));

      tokens.withdrawEcKey(true);
      assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user))))
          .as("the JWKS fetched a moment ago still has the key").isEqualTo(Caller.user(user));
      assertThat(tokens.jwksFetches()).isEqualTo(1);
      AuthException refused = untilRefused(verifier, tokens, user);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(tokens.jwksFetches()).as("refused after a refetch").isGreaterThan(1);
      assertThat(verifier.verify(remembered)).as("a token verified before is remembered").isEqualTo(Caller.user(user));
      nanos.addAndGet(TokenVerifier.REMEMBERED_FOR.toNanos());
      assertThatThrownBy(() -> verifier.verify(remembered)).isInstanceOf(AuthException.class);
      assertThat(TokenVerifier.JWKS_CACHED_FOR.plus(TokenVerifier.REMEMBERED_FOR))
          .as("docs/operations.md's promise: a withdrawn key stops its tokens within a minute").isLessThanOrEqualTo(Duration.ofMinutes(1));
    }
  }

  /** Fresh tokens (none remembered) until one is refused, for at most 10 s. */
  private static AuthException untilRefused(TokenVerifier verifier, Tokens tokens, UserId user) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user).jwtID(java.util.UUID.randomUUID().toString())));
      } catch (AuthException e) {
        return e;
      }
    }
    throw new AssertionError("the withdrawn key was still accepted after 10 s");
  }

  @Test
  void whenSupabaseAuthCannotBeReachedATokenIs503AndKnownKeysKeepWorking() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Tokens tokens = new Tokens()) {
      UserId user = UserId.random();
      TokenVerifier neverReached = new TokenVerifier(new AuthSettings(Optional.empty(),
          Optional.of(java.net.URI.create("http://127.0.0.1:" + closedPort))));
      assertThatThrownBy(() -> neverReached.verify("Bearer " + tokens.es256(tokens.userClaims(user))))
          .isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("auth-unavailable");
            assertThat(e.getMessage()).doesNotContain("Connection refused").doesNotContain(String.valueOf(closedPort));
          });

      AtomicLong nanos = new AtomicLong();
      TokenVerifier verifier = new TokenVerifier(new AuthSettings(Optional.empty(), Optional.of(tokens.supabaseUrl())),
          Duration.ZERO, nanos::get, Duration.ofMillis(300));
      assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user)))).isEqualTo(Caller.user(user));
      tokens.jwksDown(true);
      int fetched = tokens.jwksFetches();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (tokens.jwksFetches() == fetched && System.nanoTime() < deadline) {
        assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user).jwtID(java.util.UUID.randomUUID().toString()))))
            .isEqualTo(Caller.user(user));
      }
      assertThat(tokens.jwksFetches()).as("the cached JWKS expired and a refetch failed").isGreaterThan(fetched);
      assertThat(verifier.verify("Bearer " + tokens.es256(tokens.userClaims(user).jwtID("after-the-failed-refetch"))))
          .as("the last JWKS fetched stays in use during the outage").isEqualTo(Caller.user(user));
    }
  }
}
