package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.Main;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.support.ChildProcesses;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.AppDatabases;
import dev.convoarchive.supabase.ChatApp;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.store.SweepSource;
import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture kit and the sweeper on three real apps' tables, each deleting its own way (Chatbot
 * UI as {@code authenticated} through row-level security, ai-chatbot's {@code deleteChatById}
 * statements in its order, LobeChat's topic delete), with no change to the app: each deleted
 * conversation is archived whole within seconds, restores row-identical, and nothing is in neither
 * place whatever the sweepers do.
 */
class CaptureSweepTest {

  private static final Logger LOG = LoggerFactory.getLogger(CaptureSweepTest.class);
  private static final Tokens tokens = Tokens.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ARCHIVED = Pattern.compile("sweeper_archived_total ([0-9.]+)");
  /**
   * How many captured conversations the three sweepers share, per app: 600 by default to keep
   * the suite within its time (12 minutes on 2 cores); {@code -Dcapture.conversations=2000} runs
   * the full 2,000.
   */
  private static final int MANY = Integer.getInteger("capture.conversations", 600);

  /** The app's own database with the capture kit installed, and a service sweeping it every 100 ms. */
  private static SupabaseDbConfig captured(ChatApp app) {
    SupabaseDbConfig config = AppDatabases.fresh(app);
    SupabaseDatabase.runScript(config, "capture");
    return config;
  }

  /**
   * A bucket of these tests' own: they archive thousands of objects, and the embedded S3 server
   * lists a bucket by walking all of it, which would slow every later test's listing.
   */
  private static final String BUCKET = "capture-sweep";

  private static synchronized String bucket() {
    try (software.amazon.awssdk.services.s3.S3Client s3 = dev.convoarchive.http.support.TestStores.s3Client()) {
      if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
        s3.createBucket(b -> b.bucket(BUCKET));
      }
    }
    return BUCKET;
  }

  private static AppConfig sweeping(SupabaseDbConfig db, Sweeper.Settings settings) {
    AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
    base = base.withStorage(base.s3().withBucket(bucket()), db);
    SweepSource source = new SweepSource(SweepSource.DEFAULT_DELETED_COLUMN, Optional.empty())
        .withCapture(Duration.ofMillis(200), SweepSource.DEFAULT_CAPTURE_WINDOW, true);
    return base.withStorage(base.s3(), db).withSweep(SweepConfig.off().on().withInterval(Duration.ofMillis(100))
        .withSource(source).withSettings(settings));
  }

  private static AppConfig sweeping(SupabaseDbConfig db) {
    return sweeping(db, new Sweeper.Settings(50, 4, Duration.ofMinutes(5), Optional.empty()));
  }

  private static final List<com.zaxxer.hikari.HikariDataSource> POOLS = new ArrayList<>();

  private static synchronized DataSource pool(SupabaseDbConfig db) {
    com.zaxxer.hikari.HikariDataSource pool = SupabaseDatabase.pool(db.withPoolSize(4));
    POOLS.add(pool);
    return pool;
  }

  @org.junit.jupiter.api.AfterAll
  static synchronized void closePools() {
    POOLS.forEach(com.zaxxer.hikari.HikariDataSource::close);
  }

  private static String token(UserId owner) {
    return owner.isUuid() ? tokens.hs256(tokens.userClaims(owner)) : tokens.hs256(tokens.serviceRoleClaims());
  }

  private static Conversation write(ChatApp app, DataSource pool, UserId owner, int messages) throws SQLException {
    Conversation conversation = Conversations.sample(owner, messages);
    try (Connection connection = pool.getConnection()) {
      app.write(connection, conversation);
    }
    return conversation;
  }

  private static long count(DataSource pool, String sql) {
    try (Connection connection = pool.getConnection(); ResultSet row = connection.createStatement().executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> listed(TestService service, UserId owner) {
    JsonNode page;
    try {
      page = JSON.readTree(service.send("GET", "/v1/users/" + owner + "/archive?limit=1000", token(owner)).body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Set<String> ids = new HashSet<>();
    page.get("items").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aConversationTheAppDeletesIsArchivedWholeAndRestoresRowIdentical(ChatApp app) throws Exception {
    SupabaseDbConfig db = captured(app);
    try (TestService service = TestService.start(sweeping(db), List.of())) {
      DataSource pool = pool(db);
      Conversation deleted = write(app, pool, UserId.random(), 3);
      write(app, pool, deleted.owner(), 2);
      Map<String, List<String>> before = AppDatabases.everyRow(pool);

      try (Connection connection = pool.getConnection()) {
        app.delete(connection, deleted);
      }
      assertThat(count(pool, "select count(*) from " + app.conversationTable() + " where id = '" + deleted.id() + "'"))
          .as("gone from the app at once").isZero();

      String path = "/v1/users/" + deleted.owner() + "/archive/" + deleted.id();
      Polling.await("the sweeper archived it",
          () -> service.send("GET", path, token(deleted.owner())).statusCode() == 200);
      JsonNode archived = JSON.readTree(service.send("GET", path, token(deleted.owner())).body());
      assertThat(archived.get("messages")).hasSize(3);
      Polling.await("the outbox emptied",
          () -> count(pool, "select count(*) from convo_archive.captured_rows") == 0);

      assertThat(service.send("POST", path + "/restore", token(deleted.owner())).statusCode()).isEqualTo(200);
      assertThat(AppDatabases.everyRow(pool)).as("every row as before the app's delete").isEqualTo(before);
    }
  }

  /**
   * A message deleted alone (an edit) is not archived: once the window has passed without its
   * conversation being deleted, it is dropped, and a later delete of the conversation archives
   * what was left.
   */
  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aMessageDeletedAloneIsNotArchived(ChatApp app) throws Exception {
    SupabaseDbConfig db = captured(app);
    // The service's clock runs two hours ahead: the window (one hour) has passed for whatever it captured.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    try (TestService service = TestService.start(sweeping(db), List.of(), TestService.clock(later))) {
      DataSource pool = pool(db);
      Conversation conversation = write(app, pool, UserId.random(), 3);
      String edited = conversation.messages().get(2).id();
      try (Connection connection = pool.getConnection()) {
        app.deleteMessage(connection, conversation, edited);
      }
      Polling.await("the edit is dropped",
          () -> count(pool, "select count(*) from convo_archive.captured_rows") == 0);
      assertThat(service.send("GET", "/v1/users/" + conversation.owner() + "/archive/" + conversation.id(),
          token(conversation.owner())).statusCode()).isEqualTo(404);

      try (Connection connection = pool.getConnection()) {
        app.delete(connection, conversation);
      }
      String path = "/v1/users/" + conversation.owner() + "/archive/" + conversation.id();
      Polling.await("the conversation is archived",
          () -> service.send("GET", path, token(conversation.owner())).statusCode() == 200);
      JsonNode archived = JSON.readTree(service.send("GET", path, token(conversation.owner())).body());
      assertThat(archived.get("messages")).hasSize(2);
      assertThat(archived.toString()).doesNotContain(edited);
    }
  }

  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void removingAUsersAccountErasesTheirCapturedConversationsAndArchive(ChatApp app) throws Exception {
    SupabaseDbConfig db = captured(app);
    try (TestService service = TestService.start(sweeping(db), List.of())) {
      DataSource pool = pool(db);
      UserId owner = UserId.random();
      Conversation archived = write(app, pool, owner, 2);
      Conversation live = write(app, pool, owner, 2);
      Conversation someoneElses = write(app, pool, UserId.random(), 1);
      assertThat(service.send("POST", "/v1/users/" + owner + "/conversations/" + archived.id() + "/archive", token(owner))
          .statusCode()).isEqualTo(201);

      try (Connection connection = pool.getConnection()) {
        app.deleteAccount(connection, owner, List.of(live));
      }

      Polling.await("the account's archive and captured rows are erased",
          () -> listed(service, owner).isEmpty() && count(pool, "select count(*) from convo_archive.captured_rows") == 0);
      assertThat(listed(service, owner)).isEmpty();
      assertThat(service.send("GET", "/v1/users/" + owner + "/archive/" + live.id(), token(owner)).statusCode())
          .as("never archived").isEqualTo(404);
      assertThat(count(pool, "select count(*) from " + app.conversationTable() + " where id = '" + someoneElses.id() + "'"))
          .isEqualTo(1);
      // Counted when the pass that erased it ends.
      Polling.await("the erase is counted", () -> service.send("GET", "/metrics", null).body()
          .matches("(?s).*sweeper_accounts_erased_total [1-9].*"));
    }
  }

  /**
   * Three instances sweep {@link #MANY} captured conversations while the app keeps writing new ones: each is archived exactly once, every
   * user's listing names exactly the conversations the app deleted, and nothing the app wrote
   * meanwhile is touched.
   */
  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void threeSweepersArchiveEachCapturedConversationOnceWhileTheAppWrites(ChatApp app) throws Exception {
    SupabaseDbConfig db = captured(app);
    DataSource pool = pool(db);
    List<UserId> users = new ArrayList<>();
    Map<UserId, Set<String>> deleted = new java.util.HashMap<>();
    for (int u = 0; u < 20; u++) {
      users.add(UserId.random());
    }
    try (Connection connection = pool.getConnection()) {
      for (int i = 0; i < MANY; i++) {
        UserId owner = users.get(i % users.size());
        Conversation conversation = Conversations.sample(owner, 1);
        app.write(connection, conversation);
        app.delete(connection, conversation);
        deleted.computeIfAbsent(owner, o -> new HashSet<>()).add(conversation.id().value());
      }
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> {
      try (Connection connection = pool.getConnection()) {
        while (writing.get()) {
          app.write(connection, Conversations.sample(users.get(written.get() % users.size()), 2));
          written.incrementAndGet();
          Thread.sleep(5); // a busy app, not a load test: the sweepers need the two cores too
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "app-writer");
    AppConfig config = sweeping(db, new Sweeper.Settings(50, 4, Duration.ofMinutes(5), Optional.empty()));
    List<TestService> instances = new ArrayList<>();
    long started = System.nanoTime();
    try {
      writer.start();
      for (int i = 0; i < 3; i++) {
        instances.add(TestService.start(config, List.of()));
      }
      // Minutes, not the usual minute: thousands of conversations on two shared cores.
      long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
      while (count(pool, "select count(*) from convo_archive.captured_rows") > 0) {
        assertThat(System.nanoTime()).as("every captured conversation swept in time").isLessThan(deadline);
        Thread.sleep(100);
      }
      writing.set(false);
      writer.join();
      double archived = 0;
      for (TestService instance : instances) {
        Matcher matcher = ARCHIVED.matcher(instance.send("GET", "/metrics", null).body());
        archived += matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
      }
      LOG.warn("{}: 3 sweepers archived {} captured conversations in {} s (start-up included); the app wrote {} meanwhile",
          app, (int) archived, String.format("%.1f", (System.nanoTime() - started) / 1e9), written.get());
      assertThat(archived).as("archived, summed over the instances: each once").isEqualTo(MANY);
      assertThat(count(pool, "select count(*) from " + app.conversationTable())).as("the app's new conversations, untouched")
          .isEqualTo(written.get());
      for (Map.Entry<UserId, Set<String>> user : deleted.entrySet()) {
        assertThat(listed(instances.get(0), user.getKey())).as("listing of " + user.getKey()).isEqualTo(user.getValue());
      }
    } finally {
      writing.set(false);
      for (TestService instance : instances) {
        instance.close();
      }
    }
  }

  /**
   * {@code sweep --once} killed with SIGKILL mid-batch: every deleted conversation is then still in
   * the outbox or archived, never neither; two survivors take the dead one's claims once they
   * lapse and finish.
   */
  @ParameterizedTest
  @EnumSource(ChatApp.class)
  void aSweeperKilledMidBatchLosesNothing(ChatApp app) throws Exception {
    SupabaseDbConfig db = captured(app);
    DataSource pool = pool(db);
    UserId owner = UserId.random();
    Set<String> expected = new HashSet<>();
    try (Connection connection = pool.getConnection()) {
      for (int i = 0; i < 400; i++) {
        Conversation conversation = Conversations.sample(owner, 2);
        app.write(connection, conversation);
        app.delete(connection, conversation);
        expected.add(conversation.id().value());
      }
    }
    Duration lease = Duration.ofSeconds(10);
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
        ChildProcesses.CHILD_JIT, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sweep", "--once");
    Map<String, String> env = builder.environment();
    ChildProcesses.putStores(env, db);
    env.put("S3_BUCKET", bucket());
    env.putAll(app.settings());
    env.put("CAPTURE_SETTLE", "PT0S");
    env.put("SWEEP_BATCH_SIZE", "20");
    env.put("SWEEP_CONCURRENCY", "4");
    env.put("SWEEP_LEASE", "PT10S");
    Process child = builder.redirectErrorStream(true).redirectOutput(new File("target/capture-sweep-killed-" + app + ".log"))
        .start();
    try {
      Polling.await("the child archived some", () -> count(pool,
          "select count(distinct conversation_id) from convo_archive.captured_rows where is_root") < 370 || !child.isAlive());
      assertThat(child.isAlive()).as("still sweeping when killed").isTrue();
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    Clock later = Clock.offset(Clock.systemUTC(), lease.multipliedBy(2));
    AppConfig config = sweeping(db, new Sweeper.Settings(20, 4, lease, Optional.empty()));
    try (TestService first = TestService.start(config, List.of(), TestService.clock(later));
        TestService second = TestService.start(config, List.of(), TestService.clock(later))) {
      Set<String> inOutbox = new HashSet<>();
      try (Connection connection = pool.getConnection(); ResultSet rows = connection.createStatement()
          .executeQuery("select distinct conversation_id from convo_archive.captured_rows where is_root")) {
        while (rows.next()) {
          inOutbox.add(rows.getString(1));
        }
      }
      Set<String> neither = new HashSet<>(expected);
      neither.removeAll(inOutbox);
      neither.removeAll(listed(first, owner));
      assertThat(neither).as("in neither place after the kill").isEmpty();
      Polling.await("the survivors swept the rest",
          () -> count(pool, "select count(*) from convo_archive.captured_rows") == 0);
      assertThat(listed(second, owner)).isEqualTo(expected);
    }
  }
}
