package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.Main;
import dev.convoarchive.http.support.ChildProcesses;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.ObjectKeys;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.testing.ConditionsIgnored;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The service runs as a child process under a mixed workload and is killed with SIGKILL at random
 * moments. After each kill every conversation must be live, archived or both, and the per-file
 * index must match the objects once repaired. The default run kills it {@value #DEFAULT_KILLS}
 * times per layout; -Dreliability.kills=25 for the long run.
 */
class CrashSafetyTest {

  static final int DEFAULT_KILLS = 2;
  /**
   * Child services are started over and over and live seconds: the quick first-tier compiler
   * alone starts them faster, on a machine whose cores the tests already keep busy.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Each variant, and the PostgreSQL index once more on a store that ignores conditional writes. */
  static Stream<Arguments> setups() {
    return Stream.of(Arguments.of(StorageVariant.PER_FILE_POSTGRES_INDEX, false), Arguments.of(StorageVariant.PER_FILE_S3_INDEX, false),
        Arguments.of(StorageVariant.SINGLE_FILE, false), Arguments.of(StorageVariant.PER_FILE_POSTGRES_INDEX, true));
  }

  @ParameterizedTest(name = "{0}, conditional writes ignored: {1}")
  @MethodSource("setups")
  void sigkillAtRandomPointsLosesNoConversation(StorageVariant variant, boolean conditionsIgnored) throws Exception {
    int kills = Integer.getInteger("reliability.kills", DEFAULT_KILLS);
    LiveConversations live = TestStores.live();
    List<UserId> users = List.of(UserId.random(), UserId.random());
    List<Conversation> conversations = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Conversation c = Conversations.sample(users.get(i % 2), 2 + i % 3);
      live.restore(c);
      conversations.add(c);
    }
    Set<ConversationId> deleteSent = ConcurrentHashMap.newKeySet();
    Random random = new Random(variant.ordinal());
    int acknowledged = 0;
    try (Tokens tokens = new Tokens(); TestStores.StandaloneArchive standalone = TestStores.archive(variant);
        S3Client s3 = TestStores.s3Client()) {
      ConversationArchive archive = standalone.archive();
      for (int kill = 1; kill <= kills; kill++) {
        int port = ChildProcesses.freePort();
        Process child = startChild(variant, conditionsIgnored, port, kill);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(4);
        try {
          ChildProcesses.awaitReady(port, child);
          for (int t = 0; t < 4; t++) {
            int seed = kill * 10 + t;
            load.submit(() -> workload(port, tokens, conversations, deleteSent, running, ok, new Random(seed)));
          }
          // Kill at a random point of the workload: that randomness is the test, not a wait for something.
          Thread.sleep(300 + random.nextInt(1200));
        } finally {
          child.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful stop
          child.waitFor(30, TimeUnit.SECONDS);
          running.set(false);
          load.shutdown();
          load.awaitTermination(30, TimeUnit.SECONDS);
        }
        acknowledged += ok.get();

        for (Conversation c : conversations) {
          if (deleteSent.contains(c.id())) {
            continue; // deleted for good, or not: either is allowed
          }
          boolean isLive = live.find(c.owner(), c.id()).isPresent();
          boolean isArchived = archive.find(c.owner(), c.id()).isPresent();
          assertThat(isLive || isArchived).as("after kill %d, conversation %s is somewhere", kill, c.id()).isTrue();
        }
        for (UserId user : users) {
          // With the PostgreSQL index the committed rows decide: what a killed write left behind is
          // an orphan, removed here; with the S3 index and single-file the objects decide, and the
          // listing is repaired from them.
          if (variant == StorageVariant.PER_FILE_POSTGRES_INDEX) {
            standalone.maintenance().removeOrphans(Duration.ZERO);
          } else {
            standalone.maintenance().reindex(user);
          }
          Set<ConversationId> listed = archive.list(user, PageRequest.first(1000)).items().stream()
              .map(ArchiveEntry::id).collect(Collectors.toSet());
          assertThat(listed).as("after kill %d, the listing of %s equals what is stored", kill, user)
              .isEqualTo(storedIds(variant, s3, archive, user));
        }
      }
    }
    assertThat(acknowledged).as("requests the killed services acknowledged").isPositive();
    System.out.printf("crash safety (%s%s): %d SIGKILLs, %d acknowledged requests, %d conversations, 0 lost%n",
        variant, conditionsIgnored ? ", conditional writes ignored" : "", kills, acknowledged, conversations.size());
  }

  private static void workload(int port, Tokens tokens, List<Conversation> conversations, Set<ConversationId> deleteSent,
      AtomicBoolean running, AtomicInteger ok, Random random) {
    while (running.get()) {
      Conversation c = conversations.get(random.nextInt(conversations.size()));
      String token = tokens.hs256(tokens.userClaims(c.owner()));
      int pick = random.nextInt(10);
      String method = "POST";
      String path = "/v1/users/me/conversations/" + c.id() + "/archive";
      if (pick >= 5 && pick < 9) {
        path = "/v1/users/me/archive/" + c.id() + "/restore";
      } else if (pick == 9 && random.nextInt(4) == 0) {
        method = "DELETE";
        path = "/v1/users/me/archive/" + c.id();
        deleteSent.add(c.id());
      }
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() < 300) {
          ok.incrementAndGet();
        }
      } catch (IOException e) {
        return; // the service was killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The conversations stored for {@code user}: its objects (per-file) or the conversations in its file. */
  private static Set<ConversationId> storedIds(StorageVariant variant, S3Client s3, ConversationArchive archive, UserId user) {
    if (variant == StorageVariant.SINGLE_FILE) {
      try (Stream<ArchivedConversation> objects = archive.export(user)) {
        return objects.map(ArchivedConversation::id).collect(Collectors.toSet());
      }
    }
    String folder = StorageVariant.PER_FILE_POSTGRES_INDEX.userObjects(TestStores.s3Config(variant).prefix(), user);
    return s3.listObjectsV2Paginator(b -> b.bucket(TestStores.BUCKET).prefix(folder)).contents().stream()
        .map(o -> o.key().substring(folder.length()))
        .filter(name -> !ObjectKeys.isIndex("/" + name))
        .map(name -> ConversationId.of(name.substring(0, name.length() - ".json".length())))
        .collect(Collectors.toSet());
  }

  private static Process startChild(StorageVariant variant, boolean conditionsIgnored, int port, int kill) throws IOException {
    String classPath = System.getProperty("java.class.path");
    if (conditionsIgnored) {
      // The AWS SDK loads interceptors named in this resource into every client of the process.
      Path hook = Files.createDirectories(Path.of("target", "conditions-ignored-hook"));
      Path list = hook.resolve("software/amazon/awssdk/global/handlers/execution.interceptors");
      Files.createDirectories(list.getParent());
      Files.writeString(list, ConditionsIgnored.class.getName() + "\n");
      classPath = hook.toAbsolutePath() + File.pathSeparator + classPath;
    }
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m", ChildProcesses.CHILD_JIT,
        "-cp", classPath, Main.class.getName());
    var env = builder.environment();
    env.put("PORT", Integer.toString(port));
    env.put("ARCHIVE_STRATEGY", variant.strategy());
    variant.index().ifPresent(index -> env.put("ARCHIVE_INDEX", index));
    ChildProcesses.putStores(env, TestStores.database());
    File log = new File("target/crash-child-" + variant + (conditionsIgnored ? "-unconditional-" : "-") + kill + ".log");
    return builder.redirectErrorStream(true).redirectOutput(log).start();
  }

  /** A child process's settings for the shared test bucket and {@code db}, as an operator would export them. */
}
