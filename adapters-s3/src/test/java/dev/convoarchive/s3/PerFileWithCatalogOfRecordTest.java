package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryArchiveCatalog;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.testing.Faults;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Per-file with a catalog of record (the in-memory reference in place of the PostgreSQL table):
 * how many S3 requests each operation costs, and what happens to objects no entry names.
 */
class PerFileWithCatalogOfRecordTest {

  private final Faults counter = new Faults();
  private final S3Client client = S3TestServer.newClient(counter);
  private final S3ArchiveConfig config = S3TestServer.config().withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX)
      .withPrefix("of-record-" + java.util.UUID.randomUUID());
  private final ObjectStore store = new ObjectStore(client, S3TestServer.BUCKET, config.compression().gzip());
  private final ObjectKeys keys = new ObjectKeys(config.prefix());
  private final InMemoryArchiveCatalog catalog = new InMemoryArchiveCatalog();
  private final UserId owner = UserId.random();

  @AfterEach
  void close() {
    client.close();
  }

  private PerFileArchive archive(Clock clock) {
    return new PerFileArchive(new ConversationObjects(store, keys), catalog, store, clock);
  }

  private long requests(Runnable operation) {
    long before = counter.requests.get();
    operation.run();
    return counter.requests.get() - before;
  }

  @Test
  void archiveIsOnePutRetrieveOneGetDeleteOneDeleteAndListNoS3RequestAtAll() {
    PerFileArchive archive = archive(Clock.systemUTC());
    ArchivedConversation conversation = new ArchivedConversation(Conversations.sample(owner, 3), T0);

    assertThat(requests(() -> archive.store(conversation))).as("archive").isEqualTo(1);
    assertThat(requests(() -> assertThat(archive.find(owner, conversation.id())).contains(conversation))).as("retrieve").isEqualTo(1);
    assertThat(requests(() -> assertThat(archive.list(owner, PageRequest.first(10)).items()).hasSize(1))).as("list").isZero();
    assertThat(requests(() -> assertThat(archive.store(conversation).created()).isFalse())).as("archive again").isZero();
    assertThat(requests(() -> assertThat(archive.delete(owner, conversation.id())).isTrue())).as("delete").isEqualTo(1);
    assertThat(requests(() -> assertThat(archive.delete(owner, conversation.id())).isFalse())).as("delete again").isZero();
  }

  @Test
  void anUnrecordedIdIsNotFoundWithoutAskingS3() {
    PerFileArchive archive = archive(Clock.systemUTC());
    assertThat(requests(() -> assertThat(archive.find(owner, ConversationId.of("never-archived"))).isEmpty())).isZero();
  }

  @Test
  void orphansOlderThanTheGracePeriodGoAndRecordedObjectsStay() {
    ArchivedConversation recorded = new ArchivedConversation(Conversations.sample(owner, 2), T0);
    archive(Clock.systemUTC()).store(recorded);
    // What a crash between the object's write and its row's commit leaves behind.
    ConversationId orphan = ConversationId.of("orphan-of-a-crash");
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(keys.conversation(owner, orphan)), RequestBody.fromString("{}"));

    assertThat(archive(Clock.systemUTC()).removeOrphans(Duration.ofHours(1))).as("too young to remove").isZero();
    assertThat(store.exists(keys.conversation(owner, orphan))).isTrue();

    PerFileArchive later = archive(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
    assertThat(later.removeOrphans(Duration.ofHours(1))).isEqualTo(1);
    assertThat(store.exists(keys.conversation(owner, orphan))).isFalse();
    assertThat(later.find(owner, recorded.id())).contains(recorded);
    try (Stream<UserId> owners = later.owners()) {
      assertThat(owners.toList()).contains(owner);
    }
  }

  @Test
  void aRemovalWhoseEraseFailsIsStillFinalAndLeavesAnOrphanForThePass() {
    Faults failing = new Faults();
    try (S3Client flaky = S3TestServer.newClient(failing)) {
      ObjectStore flakyStore = new ObjectStore(flaky, S3TestServer.BUCKET, config.compression().gzip());
      PerFileArchive archive = new PerFileArchive(new ConversationObjects(flakyStore, keys), catalog, flakyStore,
          Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
      ArchivedConversation conversation = new ArchivedConversation(Conversations.sample(owner, 2), T0);
      archive.store(conversation);

      failing.unreachable(true); // the erase fails
      assertThat(archive.delete(owner, conversation.id())).as("the removal is decided by the catalog").isTrue();
      failing.unreachable(false);

      assertThat(archive.find(owner, conversation.id())).isEmpty();
      assertThat(archive.list(owner, PageRequest.first(10)).items()).isEmpty();
      assertThat(store.exists(keys.conversation(owner, conversation.id()))).as("left as an orphan").isTrue();
      assertThat(archive.removeOrphans(Duration.ofHours(1))).isEqualTo(1);
      assertThat(store.exists(keys.conversation(owner, conversation.id()))).isFalse();
    }
  }

  @Test
  void erasingAnArchiveAlsoErasesItsOrphansWhateverTheirAge() {
    PerFileArchive archive = archive(Clock.systemUTC());
    archive.store(new ArchivedConversation(Conversations.sample(owner, 2), T0));
    client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(keys.conversation(owner, ConversationId.of("orphan"))),
        RequestBody.fromString("{}"));

    assertThat(archive.deleteAll(owner)).as("counted: only what was archived").isEqualTo(1);

    assertThat(store.list(keys.userFolder(owner))).isEmpty();
    assertThat(archive.list(owner, PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void aBulkLoadIsListedAndReadLikeAnyOther() {
    PerFileArchive archive = archive(Clock.systemUTC());
    List<ArchivedConversation> loaded = List.of(new ArchivedConversation(Conversations.sample(owner, 1), T0),
        new ArchivedConversation(Conversations.sample(owner, 2), T0.plusSeconds(1)));

    archive.load(owner, loaded);

    assertThat(archive.list(owner, PageRequest.first(10)).items()).extracting(ArchiveEntry::id)
        .containsExactly(loaded.get(1).id(), loaded.get(0).id());
    assertThat(archive.find(owner, loaded.get(0).id())).contains(loaded.get(0));
  }
}
