package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.Main;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.ChildProcesses;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseDbConfig;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code sweep --once} in its own process, killed with SIGKILL in the middle of a batch: every
 * conversation is then live (still marked deleted) or archived, never neither, and two surviving
 * sweepers take over the dead one's claims once they lapse and finish the job.
 */
class SweeperCrashTest {

  private static final Logger LOG = LoggerFactory.getLogger(SweeperCrashTest.class);
  private static final int USERS = 4;
  private static final int PER_USER = 100;
  private static final Duration LEASE = Duration.ofSeconds(10);

  @Test
  void aSweeperKilledMidBatchLosesNothingAndTheSurvivorsFinish() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    List<UserId> users = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      users.add(UserId.random());
    }
    Map<UserId, Set<String>> expected = database.seedDeleted(users, PER_USER, 2);
    int total = USERS * PER_USER;

    Process child = startSweepOnce(database.config());
    try {
      Polling.await("the child archived some",
          () -> database.count("select count(*) from conversations") < total - 30 || !child.isAlive());
      assertThat(child.isAlive()).as("still sweeping when killed").isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL: mid-batch, claims held, moves half done
      child.waitFor();
    }
    long leftLive = database.count("select count(*) from conversations");
    try (S3Client s3 = TestStores.s3Client()) {
      for (Map.Entry<UserId, Set<String>> user : expected.entrySet()) {
        Set<String> stored = stored(s3, user.getKey());
        Set<String> stillLive = database.liveIds(user.getKey());
        Set<String> neither = new HashSet<>(user.getValue());
        neither.removeAll(stored);
        neither.removeAll(stillLive);
        assertThat(neither).as("conversations in neither place after the kill").isEmpty();
      }
    }
    LOG.warn("sweep --once killed with {} of {} conversations still live", leftLive, total);

    // The survivors' clock runs past the dead sweeper's leases, as real time would after SWEEP_LEASE.
    AppConfig base = TestService.sweeping(database);
    AppConfig config = base.withSweep(base.sweep().withSettings(new Sweeper.Settings(20, 4, LEASE, Optional.empty())));
    Clock later = Clock.offset(Clock.systemUTC(), LEASE.multipliedBy(2));
    List<TestService> survivors = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        survivors.add(TestService.start(config, List.of(), TestService.clock(later)));
      }
      Polling.await("the survivors swept the rest", () -> database.count("select count(*) from conversations") == 0);
      try (S3Client s3 = TestStores.s3Client()) {
        for (Map.Entry<UserId, Set<String>> user : expected.entrySet()) {
          String token = Tokens.shared().hs256(Tokens.shared().userClaims(user.getKey()));
          String listing = survivors.get(0).send("GET", "/v1/users/me/archive?limit=1000", token).body();
          Set<String> listed = new HashSet<>();
          java.util.regex.Matcher ids = java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(listing);
          while (ids.find()) {
            listed.add(ids.group(1));
          }
          assertThat(listed).as("listing of " + user.getKey()).isEqualTo(user.getValue());
          assertThat(stored(s3, user.getKey())).as("objects of " + user.getKey()).isEqualTo(user.getValue());
        }
      }
    } finally {
      for (TestService survivor : survivors) {
        survivor.close();
      }
    }
  }

  private static Set<String> stored(S3Client s3, UserId user) {
    var config = TestStores.s3Config(StorageVariant.PER_FILE_POSTGRES_INDEX);
    String folder = StorageVariant.PER_FILE_POSTGRES_INDEX.userObjects(config.prefix(), user);
    return s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(folder)).contents().stream()
        .map(S3Object::key).map(key -> key.substring(folder.length()).replace(".json", ""))
        .collect(Collectors.toSet());
  }

  private static Process startSweepOnce(SupabaseDbConfig db) throws java.io.IOException {
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m", ChildProcesses.CHILD_JIT,
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sweep", "--once");
    var env = builder.environment();
    ChildProcesses.putStores(env, db);
    env.put("SWEEP_BATCH_SIZE", "20");
    env.put("SWEEP_CONCURRENCY", "4");
    env.put("SWEEP_LEASE", "PT10S");
    return builder.redirectErrorStream(true).redirectOutput(new File("target/sweep-once-killed.log")).start();
  }
}
