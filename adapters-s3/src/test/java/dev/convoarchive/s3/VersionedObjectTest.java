package dev.convoarchive.s3;

import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import dev.convoarchive.s3.testing.Faults;
import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
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
          S3TestServer.config().withLayout(ArchiveLayout.PER_FILE).withMaxAttempts(4), key -> retries.incrementAndGet());
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
      ObjectStore store = new ObjectStore(client, S3TestServer.BUCKET, Compression.NONE);
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
}
