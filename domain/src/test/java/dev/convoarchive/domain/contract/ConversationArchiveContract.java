package dev.convoarchive.domain.contract;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every {@link ConversationArchive} must do. An implementation's test extends this class and
 * supplies {@link #createArchive()}; each test uses fresh random users, so storage may be shared
 * between tests. A case an implementation cannot support is skipped through {@link #unsupported}
 * with a stated reason, never deleted.
 */
public abstract class ConversationArchiveContract {

  protected ConversationArchive archive;

  /** A ready archive; called before every test. */
  protected abstract ConversationArchive createArchive();

  /**
   * Why the named test cannot run against this implementation, or null when it can. Overriding
   * this is the only way to leave a case out, and the reason is reported as the skip message.
   */
  protected String unsupported(String testName) {
    return null;
  }

  /** Releases what {@link #createArchive()} made; called after every test. */
  protected void closeArchive() {}

  @BeforeEach
  void setUpArchive(TestInfo info) {
    String method = info.getTestMethod().orElseThrow().getName();
    String reason = unsupported(method);
    assumeTrue(reason == null, () -> getClass().getSimpleName() + " skips " + method + ": " + reason);
    archive = createArchive();
  }

  @AfterEach
  void tearDownArchive() {
    closeArchive();
  }

  @Test
  void roundTripPreservesEveryField() {
    UserId owner = UserId.random();
    Conversation rich = Conversations.rich(owner);
    ArchivedConversation stored = Conversations.archived(rich, T0.plusSeconds(60));

    StoreResult result = archive.store(stored);

    assertThat(result.created()).isTrue();
    assertThat(archive.find(owner, rich.id())).contains(stored);
    ArchivedConversation found = archive.find(owner, rich.id()).orElseThrow();
    assertThat(found.conversation().messages().get(2).content()).hasSize(1024 * 1024 - 2);
    assertThat(found.conversation().messages().get(0).metadata()).isEqualTo(rich.messages().get(0).metadata());
    assertThat(found.formatVersion()).isEqualTo(ArchivedConversation.CURRENT_FORMAT_VERSION);
  }

  @Test
  void entryDescribesTheStoredConversation() {
    UserId owner = UserId.random();
    Conversation conversation = Conversations.sample(owner, 7);
    Instant archivedAt = T0.plusSeconds(3600);

    ArchiveEntry entry = archive.store(Conversations.archived(conversation, archivedAt)).entry();

    assertThat(entry.id()).isEqualTo(conversation.id());
    assertThat(entry.title()).isEqualTo(conversation.title());
    assertThat(entry.messageCount()).isEqualTo(7);
    assertThat(entry.createdAt()).isEqualTo(conversation.createdAt());
    assertThat(entry.archivedAt()).isEqualTo(archivedAt);
    assertThat(entry.sizeBytes()).isPositive();
    assertThat(archive.list(owner, PageRequest.first(10)).items()).containsExactly(entry);
  }

  @Test
  void storeAllStoresEachAndAnswersEachInOrder() {
    UserId owner = UserId.random();
    ArchivedConversation earlier = Conversations.archived(Conversations.sample(owner, 2), T0.plusSeconds(10));
    StoreResult earlierResult = archive.store(earlier);
    List<ArchivedConversation> group = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      group.add(Conversations.archived(Conversations.sample(i % 2 == 0 ? owner : UserId.random(), 1 + i), T0.plusSeconds(20 + i)));
    }
    group.add(2, Conversations.archived(Conversations.withOneMoreMessage(earlier.conversation()), T0.plusSeconds(30)));

    List<Stored> results = archive.storeAll(group);

    assertThat(results).hasSize(group.size()).allSatisfy(stored -> assertThat(stored.failure()).isEmpty());
    assertThat(results.get(2).result()).contains(new StoreResult(earlierResult.entry(), false));
    assertThat(archive.find(owner, earlier.conversation().id())).contains(earlier);
    for (int i = 0; i < group.size(); i++) {
      if (i != 2) {
        ArchivedConversation stored = group.get(i);
        assertThat(results.get(i).result().orElseThrow().created()).isTrue();
        assertThat(results.get(i).result().orElseThrow().entry().id()).isEqualTo(stored.conversation().id());
        assertThat(archive.find(stored.owner(), stored.conversation().id())).contains(stored);
      }
    }
    assertThat(walk(owner, 100)).hasSize(4);
  }

  @Test
  void storingAnArchivedIdAgainChangesNothing() {
    UserId owner = UserId.random();
    Conversation conversation = Conversations.sample(owner, 3);
    ArchivedConversation first = Conversations.archived(conversation, T0.plusSeconds(10));
    StoreResult firstResult = archive.store(first);

    Conversation changed = Conversations.withOneMoreMessage(conversation);
    StoreResult again = archive.store(Conversations.archived(changed, T0.plusSeconds(20)));

    assertThat(again.created()).isFalse();
    assertThat(again.entry()).isEqualTo(firstResult.entry());
    assertThat(archive.find(owner, conversation.id())).contains(first);
    assertThat(archive.list(owner, PageRequest.first(10)).items()).containsExactly(firstResult.entry());
  }

  @Test
  void missingIsEmpty() {
    UserId owner = UserId.random();
    assertThat(archive.find(owner, Conversations.newId())).isEmpty();
    archive.store(Conversations.archived(Conversations.sample(owner, 1), T0));
    assertThat(archive.find(owner, Conversations.newId())).isEmpty();
    assertThat(archive.find(owner, ConversationId.of("not-a-uuid_but-valid"))).isEmpty();
  }

  @Test
  void emptyArchiveListsNothing() {
    Page<ArchiveEntry> page = archive.list(UserId.random(), PageRequest.first(10));
    assertThat(page.items()).isEmpty();
    assertThat(page.nextCursor()).isNull();
  }

  @Test
  void listsNewestFirstAcrossPagesWithoutDuplicatesOrGaps() {
    UserId owner = UserId.random();
    List<ArchiveEntry> stored = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      // Every third pair shares an archivedAt, so ties must be broken the same way on every page.
      Instant at = T0.plusSeconds(i - i % 3);
      stored.add(archive.store(Conversations.archived(Conversations.sample(owner, 1), at)).entry());
    }
    List<ArchiveEntry> expected = stored.stream().sorted(ArchiveEntry.NEWEST_FIRST).toList();

    List<ArchiveEntry> walked = walk(owner, 5);

    assertThat(walked).containsExactlyElementsOf(expected);
    assertThat(expected.get(0).archivedAt()).isAfter(expected.get(22).archivedAt());
  }

  @Test
  void aPageThatEndsTheListingHasNoNextCursor() {
    UserId owner = UserId.random();
    for (int i = 0; i < 4; i++) {
      archive.store(Conversations.archived(Conversations.sample(owner, 1), T0.plusSeconds(i)));
    }
    Page<ArchiveEntry> first = archive.list(owner, PageRequest.first(2));
    assertThat(first.items()).hasSize(2);
    assertThat(first.nextCursor()).isNotNull();

    Page<ArchiveEntry> second = archive.list(owner, PageRequest.parse("2", first.nextCursor()));
    assertThat(second.items()).hasSize(2);
    assertThat(second.nextCursor()).isNull();
    assertThat(archive.list(owner, PageRequest.first(4)).nextCursor()).isNull();
  }

  @Test
  void cursorsStayValidWhileEntriesComeAndGo() {
    UserId owner = UserId.random();
    List<ArchiveEntry> stored = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      stored.add(archive.store(Conversations.archived(Conversations.sample(owner, 1), T0.plusSeconds(i))).entry());
    }
    Page<ArchiveEntry> first = archive.list(owner, PageRequest.first(4));
    // A newer entry arrives and an already-seen one leaves between pages.
    archive.store(Conversations.archived(Conversations.sample(owner, 1), T0.plusSeconds(100)));
    archive.delete(owner, first.items().get(0).id());

    List<ArchiveEntry> rest = new ArrayList<>();
    String cursor = first.nextCursor();
    while (cursor != null) {
      Page<ArchiveEntry> page = archive.list(owner, PageRequest.parse("4", cursor));
      rest.addAll(page.items());
      cursor = page.nextCursor();
    }

    List<ArchiveEntry> expectedRest = stored.stream().sorted(ArchiveEntry.NEWEST_FIRST).skip(4).toList();
    assertThat(rest).containsExactlyElementsOf(expectedRest);
  }

  @Test
  void deleteSaysWhetherSomethingWasDeleted() {
    UserId owner = UserId.random();
    Conversation keep = Conversations.sample(owner, 1);
    Conversation gone = Conversations.sample(owner, 2);
    archive.store(Conversations.archived(keep, T0));
    archive.store(Conversations.archived(gone, T0.plusSeconds(1)));

    assertThat(archive.delete(owner, gone.id())).isTrue();
    assertThat(archive.delete(owner, gone.id())).isFalse();
    assertThat(archive.delete(owner, Conversations.newId())).isFalse();

    assertThat(archive.find(owner, gone.id())).isEmpty();
    assertThat(archive.find(owner, keep.id())).isPresent();
    assertThat(walk(owner, 10)).extracting(ArchiveEntry::id).containsExactly(keep.id());
  }

  @Test
  void aDeletedIdCanBeArchivedAgain() {
    UserId owner = UserId.random();
    Conversation conversation = Conversations.sample(owner, 1);
    archive.store(Conversations.archived(conversation, T0));
    archive.delete(owner, conversation.id());

    Conversation newer = Conversations.withOneMoreMessage(conversation);
    StoreResult again = archive.store(Conversations.archived(newer, T0.plusSeconds(5)));

    assertThat(again.created()).isTrue();
    assertThat(archive.find(owner, conversation.id()).orElseThrow().conversation()).isEqualTo(newer);
  }

  @Test
  void deleteAllErasesOneUsersArchiveAndCountsIt() {
    UserId owner = UserId.random();
    UserId other = UserId.random();
    for (int i = 0; i < 5; i++) {
      archive.store(Conversations.archived(Conversations.sample(owner, 1), T0.plusSeconds(i)));
    }
    Conversation othersConversation = Conversations.sample(other, 1);
    archive.store(Conversations.archived(othersConversation, T0));

    assertThat(archive.deleteAll(owner)).isEqualTo(5);

    assertThat(archive.list(owner, PageRequest.first(10)).items()).isEmpty();
    assertThat(archive.deleteAll(owner)).isZero();
    assertThat(archive.find(other, othersConversation.id())).isPresent();
  }

  @Test
  void exportStreamsEveryConversation() {
    UserId owner = UserId.random();
    Set<ArchivedConversation> stored = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      ArchivedConversation archived = Conversations.archived(Conversations.sample(owner, i % 4), T0.plusSeconds(i));
      archive.store(archived);
      stored.add(archived);
    }
    archive.store(Conversations.archived(Conversations.sample(UserId.random(), 1), T0));

    try (Stream<ArchivedConversation> exported = archive.export(owner)) {
      assertThat(exported.toList()).containsExactlyInAnyOrderElementsOf(stored);
    }
    try (Stream<ArchivedConversation> none = archive.export(UserId.random())) {
      assertThat(none.toList()).isEmpty();
    }
  }

  @Test
  void oneUserNeverSeesOrTouchesAnothersArchive() {
    UserId alice = UserId.random();
    UserId bob = UserId.random();
    Conversation alicesConversation = Conversations.sample(alice, 2);
    ArchivedConversation alices = Conversations.archived(alicesConversation, T0);
    archive.store(alices);

    assertThat(archive.find(bob, alicesConversation.id())).isEmpty();
    assertThat(archive.list(bob, PageRequest.first(10)).items()).isEmpty();
    assertThat(archive.delete(bob, alicesConversation.id())).isFalse();
    assertThat(archive.deleteAll(bob)).isZero();
    try (Stream<ArchivedConversation> bobs = archive.export(bob)) {
      assertThat(bobs.toList()).isEmpty();
    }
    // Bob may hold a conversation with the same id; it stays his own.
    Conversation bobsSameId = new Conversation(alicesConversation.id(), bob, "bob's", T0, T0, List.of());
    assertThat(archive.store(Conversations.archived(bobsSameId, T0)).created()).isTrue();

    assertThat(archive.find(alice, alicesConversation.id())).contains(alices);
    assertThat(archive.find(bob, alicesConversation.id()).orElseThrow().conversation()).isEqualTo(bobsSameId);
  }

  @Test
  void concurrentStoresOnOneUserLoseNothing() throws Exception {
    UserId owner = UserId.random();
    int threads = 8;
    int perThread = 25;
    List<Conversation> all = new ArrayList<>();
    for (int i = 0; i < threads * perThread; i++) {
      all.add(Conversations.sample(owner, 1));
    }

    List<Boolean> created = Concurrently.run(threads, t -> () -> {
      List<Boolean> mine = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        Conversation c = all.get(t * perThread + i);
        mine.add(archive.store(Conversations.archived(c, T0.plusMillis(t * perThread + i))).created());
      }
      return mine;
    });

    assertThat(created).hasSize(threads * perThread).containsOnly(true);
    Set<ConversationId> listed = walk(owner, 1000).stream().map(ArchiveEntry::id).collect(Collectors.toSet());
    assertThat(listed).containsExactlyInAnyOrderElementsOf(all.stream().map(Conversation::id).toList());
    for (Conversation c : all) {
      assertThat(archive.find(owner, c.id())).as("conversation %s", c.id()).isPresent();
    }
  }

  @Test
  void concurrentStoresOfOneIdCreateItOnce() throws Exception {
    UserId owner = UserId.random();
    Conversation conversation = Conversations.sample(owner, 2);
    int threads = 6;

    List<Boolean> created = Concurrently.run(threads, t -> () ->
        List.of(archive.store(Conversations.archived(conversation, T0.plusSeconds(t))).created()));

    assertThat(created).filteredOn(c -> c).hasSize(1);
    assertThat(walk(owner, 10)).hasSize(1);
  }

  /** Every entry of the owner, following cursors page by page. */
  protected List<ArchiveEntry> walk(UserId owner, int pageSize) {
    List<ArchiveEntry> all = new ArrayList<>();
    Page<ArchiveEntry> page = archive.list(owner, PageRequest.first(pageSize));
    all.addAll(page.items());
    while (page.hasMore()) {
      page = archive.list(owner, PageRequest.parse(Integer.toString(pageSize), page.nextCursor()));
      all.addAll(page.items());
    }
    return all;
  }
}
