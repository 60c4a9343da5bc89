package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.s3.testing.Faults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The per-file index is a cache of the objects: a failed index write after the object was written
 * loses nothing, and every kind of damage to the index is repaired from the objects.
 */
class IndexRepairTest {

  private final Faults faults = new Faults();
  private final ObjectKeys keys = new ObjectKeys(S3TestServer.config().prefix());
  private final S3Client client = S3TestServer.newClient(faults);
  private final PerFileArchive archive = (PerFileArchive) S3ArchiveModule.create(
      client, S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX), ConflictListener.NONE);
  private final UserId owner = UserId.random();

  @AfterEach
  void close() {
    client.close();
  }

  private Conversation archived(int messages, int second) {
    Conversation c = Conversations.sample(owner, messages);
    archive.store(new ArchivedConversation(c, T0.plusSeconds(second)));
    return c;
  }

  private Iterable<Object> listedIds() {
    return archive.list(owner, PageRequest.first(100)).items().stream().map(e -> (Object) e.id()).toList();
  }

  @Test
  void aFailedIndexWriteKeepsTheObjectAndARerunCompletesTheIndex() {
    Conversation first = archived(1, 1);
    Conversation second = Conversations.sample(owner, 2);
    faults.failNextPut(ObjectKeys::isIndex);

    assertThatThrownBy(() -> archive.store(new ArchivedConversation(second, T0.plusSeconds(2))))
        .isInstanceOf(StorageUnavailableException.class);

    assertThat(archive.find(owner, second.id())).as("the object survives").isPresent();
    assertThat(listedIds()).containsExactly(first.id());

    assertThat(archive.store(new ArchivedConversation(second, T0.plusSeconds(3))).created()).isFalse();
    assertThat(listedIds()).containsExactly(second.id(), first.id());
    assertThat(archive.list(owner, PageRequest.first(10)).items().get(0).archivedAt())
        .as("the entry describes the stored object, not the re-run").isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void reindexAddsObjectsTheIndexMissed() {
    Conversation first = archived(1, 1);
    Conversation lost = Conversations.sample(owner, 4);
    faults.failNextPut(ObjectKeys::isIndex);
    assertThatThrownBy(() -> archive.store(new ArchivedConversation(lost, T0.plusSeconds(2))))
        .isInstanceOf(StorageUnavailableException.class);

    assertThat(archive.reindex(owner)).isEqualTo(2);

    assertThat(listedIds()).containsExactly(lost.id(), first.id());
    ArchiveEntry entry = archive.list(owner, PageRequest.first(10)).items().get(0);
    assertThat(entry.messageCount()).isEqualTo(4);
    assertThat(entry.sizeBytes()).isPositive();
  }

  @Test
  void aFirstArchiveWhoseIndexWasNeverWrittenIsStillListed() {
    Conversation only = Conversations.sample(owner, 1);
    faults.failNextPut(ObjectKeys::isIndex);
    assertThatThrownBy(() -> archive.store(new ArchivedConversation(only, T0)))
        .isInstanceOf(StorageUnavailableException.class);

    assertThat(listedIds()).as("a missing index is rebuilt from the objects").containsExactly(only.id());
  }

  @Test
  void anEntryWhoseObjectIsGoneIsDroppedOnDeleteAndOnReindex() {
    Conversation keep = archived(1, 1);
    Conversation goneA = archived(1, 2);
    Conversation goneB = archived(1, 3);
    client.deleteObject(b -> b.bucket(S3TestServer.BUCKET).key(keys.conversation(owner, goneA.id())));
    client.deleteObject(b -> b.bucket(S3TestServer.BUCKET).key(keys.conversation(owner, goneB.id())));
    assertThat(listedIds()).hasSize(3);

    assertThat(archive.delete(owner, goneA.id())).as("the stale entry counted as deleted").isTrue();
    assertThat(archive.reindex(owner)).isEqualTo(1);

    assertThat(listedIds()).containsExactly(keep.id());
  }

  @Test
  void aDamagedIndexIsRebuiltFromTheObjects() {
    Conversation a = archived(1, 1);
    Conversation b = archived(1, 2);
    client.putObject(PutObjectRequest.builder().bucket(S3TestServer.BUCKET).key(keys.index(owner)).build(),
        RequestBody.fromString("{not json"));

    assertThat(listedIds()).containsExactly(b.id(), a.id());

    Conversation c = Conversations.sample(owner, 1);
    client.putObject(PutObjectRequest.builder().bucket(S3TestServer.BUCKET).key(keys.index(owner)).build(),
        RequestBody.fromString("\u001f\u008bgarbage"));
    archive.store(new ArchivedConversation(c, T0.plusSeconds(3)));
    assertThat(listedIds()).as("a store onto a damaged index repairs it first").containsExactly(c.id(), b.id(), a.id());
  }

  @Test
  void reindexPagesThroughMoreThanAThousandObjects() {
    java.util.List<ArchivedConversation> many = new java.util.ArrayList<>();
    for (int i = 0; i < 1_050; i++) {
      many.add(new ArchivedConversation(Conversations.sample(owner, 1), T0.plusSeconds(i)));
    }
    S3ArchiveModule.create(client, S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX), ConflictListener.NONE).load(owner, many);
    client.deleteObject(b -> b.bucket(S3TestServer.BUCKET).key(keys.index(owner)));

    assertThat(archive.reindex(owner)).isEqualTo(1_050);

    var page = archive.list(owner, PageRequest.first(1000));
    assertThat(page.items()).hasSize(1000);
    assertThat(archive.list(owner, PageRequest.parse("1000", page.nextCursor())).items()).hasSize(50);
  }
}
