package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import dev.convoarchive.s3.testing.Faults;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

class VersionedObjectTest {

  @Test
  void givesUpAsContendedNamingTheKeyOnlyToTheOperatorWhenEveryWriteLoses() {
    AtomicInteger retries = new AtomicInteger();
    try (S3Client client = S3TestServer.newClient(new Faults().staleIfMatch(ObjectKeys::isIndex))) {
      S3Archive archive = S3ArchiveModule.create(client,
          S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX).withMaxAttempts(4), key -> retries.incrementAndGet());
      UserId owner = UserId.random();

      assertThatThrownBy(() -> archive.store(new ArchivedConversation(Conversations.sample(owner, 1), T0)))
          .isInstanceOf(ContentionException.class)
          .hasMessageNotContaining(owner.toString())
          .satisfies(e -> assertThat(((ContentionException) e).resource()).endsWith(owner + "/_metadata.json"))
          .satisfies(e -> assertThat(((ContentionException) e).attempts()).isEqualTo(4));
      assertThat(retries).hasValue(4);
    }
  }

  @Test
  void perKeyLocksAreDroppedOnceNoWriterWaits() throws Exception {
    try (S3Client client = S3TestServer.newClient()) {
      ObjectStore store = new ObjectStore(client, S3TestServer.BUCKET, false);
      VersionedObject<ArchiveIndex> index = new VersionedObject<>(store, ArchiveIndex.CODEC, 10, key -> {});
      ObjectKeys keys = new ObjectKeys("lock-test");
      ConversationObjects objects = new ConversationObjects(store, keys);
      PerFileArchive archive = new PerFileArchive(objects, new S3IndexCatalog(objects, keys, index), store, java.time.Clock.systemUTC());
      List<UserId> users = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        users.add(UserId.random());
      }

      Concurrently.run(8, t -> () -> {
        List<Boolean> created = new ArrayList<>();
        for (int i = t; i < users.size(); i += 8) {
          created.add(archive.store(new ArchivedConversation(Conversations.sample(users.get(i), 1), T0)).created());
        }
        return created;
      });

      assertThat(index.activeKeys()).isZero();
    }
  }

  @Test
  void groupCommitFoldsConcurrentChangesToOneKeyIntoFewWrites() throws Exception {
    AtomicInteger indexWrites = new AtomicInteger();
    ExecutionInterceptor countIndexWrites = new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.httpRequest().method().name().equals("PUT") && context.httpRequest().encodedPath().endsWith("_metadata.json")) {
          indexWrites.incrementAndGet();
        }
      }
    };
    try (S3Client client = S3TestServer.newClient(countIndexWrites)) {
      S3Archive archive = S3ArchiveModule.create(client, S3TestServer.config(), ConflictListener.NONE);
      UserId owner = UserId.random();

      List<Boolean> created = Concurrently.run(16, t -> () -> {
        List<Boolean> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          mine.add(archive.store(new ArchivedConversation(Conversations.sample(owner, 1), T0)).created());
        }
        return mine;
      });

      assertThat(created).hasSize(80).containsOnly(true);
      assertThat(archive.list(owner, dev.convoarchive.domain.model.PageRequest.first(100)).items()).hasSize(80);
      // One process, one key: changes queue and are written together, never racing each other.
      assertThat(indexWrites.get()).isLessThan(80);
    }
  }

  /** A list of lines, so that tests see exactly which changes were kept. */
  private static final VersionedObject.Codec<List<String>> LINES = new VersionedObject.Codec<>() {
    @Override
    public List<String> empty() {
      return new ArrayList<>();
    }

    @Override
    public List<String> decode(java.io.InputStream stored) throws java.io.IOException {
      String text = new String(stored.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return new ArrayList<>(text.isEmpty() ? List.of() : List.of(text.split("\n")));
    }

    @Override
    public byte[] encode(List<String> state, boolean gzip) {
      return String.join("\n", state).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  };

  /** Counts GETs and PUTs of one key. */
  private static final class Requests implements ExecutionInterceptor {
    final String key;
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();

    Requests(String key) {
      this.key = key;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.httpRequest().encodedPath().endsWith(key)) {
        (context.httpRequest().method().name().equals("PUT") ? puts : gets).incrementAndGet();
      }
    }
  }

  private static VersionedObject.Change<Integer> append(List<String> state, String line) {
    state.add(line);
    return VersionedObject.Change.changed(state.size());
  }

  /** The instance that wrote an object last still knows its ETag: the next change is one conditional write. */
  @Test
  void aChangeByTheInstanceThatWroteLastNeedsNoRead() {
    String key = "last-known/" + UserId.random() + ".txt";
    Requests requests = new Requests(key);
    try (S3Client client = S3TestServer.newClient(requests)) {
      VersionedObject<List<String>> object = new VersionedObject<>(
          new ObjectStore(client, S3TestServer.BUCKET, false), LINES, 5, k -> {});
      object.update(key, state -> append(state, "first"));
      int getsBefore = requests.gets.get();

      int size = object.update(key, state -> append(state, "second"));
      assertThat(size).isEqualTo(2);

      assertThat(requests.gets.get() - getsBefore).as("reads of the second change").isZero();
      assertThat(requests.puts).hasValue(2);
      assertThat(object.read(key)).contains(List.of("first", "second"));
    }
  }

  /**
   * Another machine wrote in between: the last-known version is stale, its write is refused, and
   * the change starts again from a fresh read; nothing is lost and no race is counted as lost.
   */
  @Test
  void aStaleLastKnownVersionFallsBackToAFreshRead() {
    String key = "last-known/" + UserId.random() + ".txt";
    AtomicInteger lostRaces = new AtomicInteger();
    try (S3Client one = S3TestServer.newClient(); S3Client two = S3TestServer.newClient()) {
      VersionedObject<List<String>> first = new VersionedObject<>(
          new ObjectStore(one, S3TestServer.BUCKET, false), LINES, 5, k -> lostRaces.incrementAndGet());
      VersionedObject<List<String>> second = new VersionedObject<>(
          new ObjectStore(two, S3TestServer.BUCKET, false), LINES, 5, k -> {});

      first.update(key, state -> append(state, "a"));
      second.update(key, state -> append(state, "b"));
      int size = first.update(key, state -> append(state, "c"));
      assertThat(size).isEqualTo(3);

      assertThat(second.read(key)).contains(List.of("a", "b", "c"));
      assertThat(lostRaces).as("a stale cache is not a lost race").hasValue(0);
    }
  }

  /** A change that writes nothing cannot be checked by a write, so it is answered from a fresh read. */
  @Test
  void aChangeThatChangesNothingSeesTheCurrentState() {
    String key = "last-known/" + UserId.random() + ".txt";
    try (S3Client one = S3TestServer.newClient(); S3Client two = S3TestServer.newClient()) {
      VersionedObject<List<String>> first = new VersionedObject<>(
          new ObjectStore(one, S3TestServer.BUCKET, false), LINES, 5, k -> {});
      VersionedObject<List<String>> second = new VersionedObject<>(
          new ObjectStore(two, S3TestServer.BUCKET, false), LINES, 5, k -> {});
      first.update(key, state -> append(state, "a"));
      second.update(key, state -> {
        state.remove("a");
        return VersionedObject.Change.changed(state.size());
      });

      boolean stillThere = first.update(key, state -> VersionedObject.Change.unchanged(state.contains("a")));

      assertThat(stillThere).as("seen as another machine left it").isFalse();
    }
  }
}
