package dev.convoarchive.http.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.usecase.Sweeper;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseModule;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Three service instances sweep 1,000 soft-deleted conversations of one database while the app
 * keeps writing messages into its live ones: each conversation is archived exactly once, no
 * message is lost, and every user's listing names exactly the objects in the bucket.
 */
class SweeperInstancesTest {

  private static final Logger LOG = LoggerFactory.getLogger(SweeperInstancesTest.class);
  private static final int USERS = 20;
  private static final int DELETED_PER_USER = 50;
  private static final Pattern ARCHIVED = Pattern.compile("sweeper_archived_total ([0-9.]+)");
  private static final Pattern GONE = Pattern.compile("sweeper_gone_total ([0-9.]+)");

  @Test
  void threeInstancesArchiveEachOfAThousandConversationsOnceWhileTheAppWrites() throws Exception {
    AppDatabase database = AppDatabase.create(true);
    LiveConversations live = Guice.createInjector(new SupabaseModule(database.config())).getInstance(LiveConversations.class);
    List<UserId> users = new ArrayList<>();
    List<Conversation> active = new ArrayList<>();
    for (int u = 0; u < USERS; u++) {
      UserId user = UserId.random();
      users.add(user);
      Conversation kept = Conversations.sample(user, 1);
      live.restore(kept);
      active.add(kept);
    }
    Map<UserId, Set<String>> deleted = database.seedDeleted(users, DELETED_PER_USER, 2);
    int due = USERS * DELETED_PER_USER;
    assertThat(database.count("select count(*) from conversations where deleted_at is not null")).isEqualTo(due);

    AppConfig base = TestService.sweeping(database);
    AppConfig config = base.withSweep(base.sweep().withInterval(Duration.ofMillis(100))
        .withSettings(new Sweeper.Settings(50, 4, Duration.ofMinutes(5), Optional.empty())));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread app = new Thread(() -> {
      try (Connection connection = database.pool().getConnection(); PreparedStatement insert = connection.prepareStatement(
          "insert into messages (id, conversation_id, role, content) values (?::uuid, ?::uuid, 'user', 'more')")) {
        for (int i = 0; writing.get(); i++) {
          insert.setString(1, UUID.randomUUID().toString());
          insert.setString(2, active.get(i % active.size()).id().value());
          insert.executeUpdate();
          written.incrementAndGet();
          Thread.sleep(2); // a busy app, not a load test: the sweepers need the two cores too
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, "app-writer");
    List<TestService> instances = new ArrayList<>();
    long started = System.nanoTime();
    try {
      app.start();
      for (int i = 0; i < 3; i++) {
        instances.add(TestService.start(config, List.of()));
      }
      Polling.await("every soft-deleted conversation is swept",
          () -> database.count("select count(*) from conversations where deleted_at is not null") == 0);
      double seconds = (System.nanoTime() - started) / 1e9;
      writing.set(false);
      app.join();

      double archived = 0;
      double gone = 0;
      for (TestService instance : instances) {
        String metrics = instance.send("GET", "/metrics", null).body();
        archived += metric(ARCHIVED, metrics);
        gone += metric(GONE, metrics);
      }
      LOG.warn("3 sweepers: {} conversations archived in {} s (start-up included), {} messages written meanwhile",
          (int) archived, String.format("%.1f", seconds), written.get());
      assertThat(archived).as("archived, summed over the instances: each once").isEqualTo(due);
      assertThat(gone).isZero();
      assertThat(database.count("select count(*) from messages where content = 'more'")).as("no message lost")
          .isEqualTo(written.get());
      assertThat(database.count("select count(*) from conversations")).isEqualTo(USERS);

      String prefix = TestStores.s3Config(StorageVariant.PER_FILE_POSTGRES_INDEX).prefix();
      try (S3Client s3 = TestStores.s3Client()) {
        for (Map.Entry<UserId, Set<String>> user : deleted.entrySet()) {
          String token = Tokens().hs256(Tokens().userClaims(user.getKey()));
          String listing = instances.get(0).send("GET", "/v1/users/me/archive?limit=1000", token).body();
          Set<String> listed = ids(listing);
          Set<String> stored = s3.listObjectsV2Paginator(r -> r.bucket(TestStores.s3Config(
                  StorageVariant.PER_FILE_POSTGRES_INDEX).bucket())
                  .prefix(StorageVariant.PER_FILE_POSTGRES_INDEX.userObjects(prefix, user.getKey()))).contents().stream()
              .map(S3Object::key).map(key -> key.substring(key.lastIndexOf('/') + 1).replace(".json", ""))
              .collect(Collectors.toSet());
          Set<String> expected = user.getValue();
          assertThat(listed).as("listing of " + user.getKey()).isEqualTo(expected);
          assertThat(stored).as("objects of " + user.getKey()).isEqualTo(expected);
        }
      }
    } finally {
      writing.set(false);
      for (TestService instance : instances) {
        instance.close();
      }
    }
  }

  private static dev.convoarchive.http.support.Tokens Tokens() {
    return dev.convoarchive.http.support.Tokens.shared();
  }

  private static double metric(Pattern pattern, String metrics) {
    Matcher matcher = pattern.matcher(metrics);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static Set<String> ids(String listing) {
    Set<String> ids = new java.util.HashSet<>();
    Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(listing);
    while (matcher.find()) {
      ids.add(matcher.group(1));
    }
    return ids;
  }
}
