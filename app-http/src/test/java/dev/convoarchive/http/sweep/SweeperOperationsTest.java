package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.SweepCommand;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.MovableClock;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseModule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** What an operator sees of the sweeper: the backfill command, and a worker that is stuck. */
class SweeperOperationsTest {

  private static LiveConversations liveOn(AppDatabase database) {
    return Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
  }

  @Test
  void sweepOnceArchivesEverythingDueWithAProgressBarAndASummaryAndCanBeRunAgain() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = liveOn(database);
    UserId user = UserId.random();
    for (int i = 0; i < 30; i++) {
      live.restore(Conversations.sample(user, 1));
    }
    Conversation kept = Conversations.sample(user, 1);
    live.restore(kept);
    database.execute("update conversations set deleted_at = now() where id <> '" + kept.id() + "'");
    AppConfig config = TestService.sweeping(database);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    int exit = SweepCommand.once(config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(progress, true, StandardCharsets.UTF_8), S3ArchiveModule.withCredentials(EmbeddedS3.credentials()));

    assertThat(exit).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("30 conversations due").contains("archived 30").contains("0 still due");
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("] 30/30").containsPattern("\\d+/s  0 s left  lag ");
    assertThat(database.count("select count(*) from conversations")).isEqualTo(1);

    out.reset();
    assertThat(SweepCommand.once(config, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(progress),
        S3ArchiveModule.withCredentials(EmbeddedS3.credentials()))).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("0 conversations due").contains("archived 0");
  }

  /** Fails every object write while armed; reads (and the bucket's readiness check) still work. */
  static final class FailingWrites implements ExecutionInterceptor {
    volatile boolean armed;

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (armed && context.request() instanceof PutObjectRequest) {
        throw SdkClientException.create("writes refused by the test");
      }
    }
  }

  @Test
  void aSweeperThatCannotWriteCountsFailuresAndHealthSaysStuckWithoutTakingTheServiceOutOfService() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = liveOn(database);
    UserId user = UserId.random();
    Conversation conversation = Conversations.sample(user, 1);
    live.restore(conversation);
    FailingWrites writes = new FailingWrites();
    MovableClock clock = new MovableClock(Instant.now());
    AppConfig config = TestService.sweeping(database);

    try (TestService service = TestService.start(config, List.of(writes), TestService.clock(clock))) {
      writes.armed = true;
      database.execute("update conversations set deleted_at = now()");
      Polling.await("a failure is counted",
          () -> service.send("GET", "/metrics", null).body().matches("(?s).*sweeper_failures_total [1-9].*"));
      assertThat(service.send("GET", "/health/ready", null).body()).contains("\"sweeper\":\"up\"");

      clock.advance(Duration.ofMinutes(10));
      var ready = service.send("GET", "/health/ready", null);
      assertThat(ready.body()).contains("\"sweeper\":\"stuck: no clean pass since").contains("\"bucket\":\"up\"");
      assertThat(ready.statusCode()).as("a stuck sweeper is reported, but requests are still served").isEqualTo(200);
      assertThat(database.count("select count(*) from conversations")).as("nothing lost meanwhile").isEqualTo(1);

      writes.armed = false;
      Polling.await("swept once writes work again",
          () -> database.count("select count(*) from conversations") == 0);
      Polling.await("healthy again",
          () -> service.send("GET", "/health/ready", null).body().contains("\"sweeper\":\"up\""));
    }
  }

  @org.junit.jupiter.api.Test
  void theProgressLineShowsTheRateTheTimeLeftAndTheLag() {
    assertThat(SweepCommand.progressLine(500, 2000, Duration.ofSeconds(10), Optional.of(Duration.ofSeconds(200))))
        .contains("] 500/2000").contains("50/s").contains("30 s left").contains("lag 3 min 20 s");
    assertThat(SweepCommand.progressLine(0, 100, Duration.ZERO, Optional.empty())).contains("0/s").contains("? left")
        .contains("lag none");
    assertThat(SweepCommand.human(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
  }
}
