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
  void aVerifiedTokenIsRememberedUntilItExpiresAtMostAMinuteAndARefusedOneIsNot() {
    try (Tokens tokens = new Tokens()) {
      AtomicLong nanos = new AtomicLong();
      TokenVerifier verifier = new TokenVerifier(new AuthSettings(Optional.of(Tokens.SECRET), Optional.empty()),
          TokenVerifier.MIN_REFETCH_INTERVAL, nanos::get);
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
      assertThat(verifier.rememberedTokens()).as("an hour's token is remembered a minute").isZero();
    }
  }
}
