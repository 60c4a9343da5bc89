package dev.convoarchive.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.domain.testing.InMemorySweepQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Retention at scale: where the archive can list what expired across every owner from an index,
 * the sweeper erases from that, a batch at a time, and never walks every owner's listing.
 */
class SweeperRetentionTest {

  private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(365);

  /** The reference archive with an index across owners; walking the owners fails the test. */
  private static final class IndexedArchive implements ConversationArchive, ArchiveMaintenance {
    final InMemoryConversationArchive archive = new InMemoryConversationArchive();
    final List<UserId> owners = new ArrayList<>();
    int batches;

    @Override
    public Optional<List<OwnedEntry>> archivedBefore(Instant cutoff, OwnedEntry after, int limit) {
      batches++;
      return Optional.of(owners.stream().flatMap(owner -> archive.export(owner).toList().stream()
              .map(archived -> new OwnedEntry(owner, ArchiveEntry.of(archived, 0))))
          .filter(e -> e.entry().archivedAt().isBefore(cutoff))
          .filter(e -> after == null || OwnedEntry.OLDEST_FIRST.compare(after, e) < 0)
          .sorted(OwnedEntry.OLDEST_FIRST).limit(limit).toList());
    }

    @Override
    public Stream<UserId> owners() {
      throw new AssertionError("retention walked every owner's listing");
    }

    @Override
    public int reindex(UserId owner) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int removeOrphans(Duration olderThan) {
      return 0;
    }

    @Override
    public StoreResult store(ArchivedConversation conversation) {
      return archive.store(conversation);
    }

    @Override
    public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
      return archive.find(owner, id);
    }

    @Override
    public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
      return archive.list(owner, request);
    }

    @Override
    public boolean delete(UserId owner, ConversationId id) {
      return archive.delete(owner, id);
    }

    @Override
    public int deleteAll(UserId owner) {
      return archive.deleteAll(owner);
    }

    @Override
    public Stream<ArchivedConversation> export(UserId owner) {
      return archive.export(owner);
    }
  }

  @Test
  void expiredConversationsOfEveryOwnerAreErasedFromTheIndexInBatchesWithoutWalkingOwners() throws Exception {
    IndexedArchive archive = new IndexedArchive();
    List<ConversationId> expired = new ArrayList<>();
    List<ConversationId> kept = new ArrayList<>();
    for (int o = 0; o < 3; o++) {
      UserId owner = UserId.random();
      archive.owners.add(owner);
      for (int i = 0; i < 1200; i++) {
        Conversation conversation = Conversations.sample(owner, 1);
        Instant archivedAt = NOW.minus(RETENTION).plus(Duration.ofMinutes(i % 2 == 0 ? -i - 1 : i + 1));
        archive.store(new ArchivedConversation(conversation, archivedAt, 2));
        (i % 2 == 0 ? expired : kept).add(conversation.id());
      }
    }
    ArchiveService service = new ArchiveService(new InMemoryLiveConversations(), archive, Clock.fixed(NOW, ZoneOffset.UTC));
    try (Sweeper sweeper = new Sweeper(service, new InMemorySweepQueue(), Optional.of(archive),
        new Sweeper.Settings(50, 2, Duration.ofMinutes(5), Optional.of(RETENTION)), Clock.fixed(NOW, ZoneOffset.UTC))) {

      Sweeper.Pass pass = sweeper.runOnce(progress -> {});

      assertThat(pass.erased()).isEqualTo(expired.size()).isEqualTo(1800);
      assertThat(archive.batches).as("1,800 in batches of " + Sweeper.EXPIRED_BATCH + ", then an empty one").isEqualTo(3);
      for (UserId owner : archive.owners) {
        List<ConversationId> left = archive.export(owner).map(ArchivedConversation::id).toList();
        assertThat(left).hasSize(600).allSatisfy(id -> assertThat(kept).contains(id));
      }
    }
  }
}
