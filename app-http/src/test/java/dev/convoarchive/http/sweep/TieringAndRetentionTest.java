package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.MovableClock;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseModule;
import dev.convoarchive.supabase.store.SweepSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cold tiering and retention on a clock the test moves: inactive conversations go to the archive,
 * a restored one stays live until it has been inactive for the whole period again, and archived
 * conversations past retention are erased for good.
 */
class TieringAndRetentionTest {

  private static final Tokens tokens = Tokens.shared();
  private static final Duration INACTIVE = Duration.ofDays(180);
  private static final Duration RETENTION = Duration.ofDays(365);

  private static Conversation lastActive(UserId user, Instant at) {
    return new Conversation(Conversations.newId(), user, "last active " + at, at, at,
        List.of(new Message(Conversations.newMessageId(), Role.USER, "hello", at)));
  }

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void inactiveConversationsAreTieredRestoredOnesWaitAgainAndRetentionErases(StorageVariant variant) throws Exception {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Instant t0 = clock.instant();
    UserId user = UserId.random();
    String token = tokens.hs256(tokens.userClaims(user));
    Conversation old = lastActive(user, t0.minus(Duration.ofDays(200)));
    Conversation recent = lastActive(user, t0.minus(Duration.ofDays(10)));
    live.restore(old);
    live.restore(recent);

    // A prefix of its own: retention looks at every owner under it, on a clock years ahead.
    AppConfig shared = TestService.sweeping(database, variant);
    AppConfig base = shared.withStorage(shared.s3().withPrefix("tiering-" + UserId.random()), database.config());
    AppConfig config = base.withSweep(SweepConfig.off().on()
        .withSource(new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.of(INACTIVE)))
        .withSettings(new Sweeper.Settings(50, 2, Duration.ofMinutes(5), Optional.of(RETENTION))));
    try (TestService api = TestService.start(base, List.of(), TestService.clock(clock));
        Application.Sweeping sweeping = Application.sweeping(config,
            S3ArchiveModule.withCredentials(EmbeddedS3.credentials()), TestService.clock(clock))) {
      Sweeper sweeper = sweeping.sweeper();

      Sweeper.Pass first = sweeper.runOnce(pass -> {});
      assertThat(first.archived()).isEqualTo(1);
      assertThat(live.find(user, old.id()).map(Conversation::withoutLiveRows)).as("inactive 200 days: tiered").isEmpty();
      assertThat(live.find(user, recent.id()).map(Conversation::withoutLiveRows)).as("inactive 10 days: stays").contains(recent);

      assertThat(api.send("POST", "/v1/users/me/archive/" + old.id() + "/restore", token).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofDays(175));
      Sweeper.Pass second = sweeper.runOnce(pass -> {});
      assertThat(second.archived()).as("only the one inactive for 185 days").isEqualTo(1);
      assertThat(live.find(user, recent.id()).map(Conversation::withoutLiveRows)).isEmpty();
      assertThat(live.find(user, old.id()).map(Conversation::withoutLiveRows)).as("restored 175 days ago: not yet again").contains(old);

      clock.advance(Duration.ofDays(6));
      assertThat(sweeper.runOnce(pass -> {}).archived()).as("restored 181 days ago: tiered again").isEqualTo(1);
      assertThat(live.find(user, old.id()).map(Conversation::withoutLiveRows)).isEmpty();
      assertThat(api.send("GET", "/v1/users/me/archive", token).body()).contains(old.id().value()).contains(recent.id().value());

      clock.advance(RETENTION.minus(Duration.ofDays(7)));
      assertThat(sweeper.runOnce(pass -> {}).erased()).as("recent archived 364 days ago, old 358: both kept").isZero();
      clock.advance(Duration.ofDays(2));
      Sweeper.Pass expiring = sweeper.runOnce(pass -> {});
      assertThat(expiring.erased()).as("recent archived 366 days ago: erased; old 360: kept").isEqualTo(1);
      assertThat(api.send("GET", "/v1/users/me/archive/" + recent.id(), token).statusCode()).isEqualTo(404);
      assertThat(api.send("GET", "/v1/users/me/archive/" + old.id(), token).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofDays(6));
      assertThat(sweeper.runOnce(pass -> {}).erased()).isEqualTo(1);
      assertThat(api.send("GET", "/v1/users/me/archive", token).body()).contains("\"items\":[]");
      assertThat(live.find(user, old.id()).map(Conversation::withoutLiveRows)).isEmpty();
    }
  }
}
