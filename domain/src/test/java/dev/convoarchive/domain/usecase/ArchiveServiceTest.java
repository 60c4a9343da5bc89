package dev.convoarchive.domain.usecase;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.NotFoundException;
import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ArchiveServiceTest {

  private final Clock clock = Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC);
  private final InMemoryLiveConversations live = new InMemoryLiveConversations();
  private final InMemoryConversationArchive archive = new InMemoryConversationArchive();
  private final ArchiveService service = new ArchiveService(live, archive, clock);
  private final UserId owner = UserId.random();

  @Test
  void archiveMovesTheConversationOutOfTheLiveStore() {
    Conversation conversation = Conversations.sample(owner, 3);
    live.restore(conversation);

    StoreResult result = service.archive(owner, conversation.id());

    assertThat(result.created()).isTrue();
    assertThat(result.entry().archivedAt()).isEqualTo(clock.instant());
    assertThat(live.find(owner, conversation.id())).isEmpty();
    assertThat(archive.find(owner, conversation.id())).contains(new ArchivedConversation(conversation, clock.instant()));
  }

  @Test
  void archivingAgainIsASuccessThatCreatesNothing() {
    Conversation conversation = Conversations.sample(owner, 3);
    live.restore(conversation);
    StoreResult first = service.archive(owner, conversation.id());

    StoreResult again = service.archive(owner, conversation.id());

    assertThat(again.created()).isFalse();
    assertThat(again.entry()).isEqualTo(first.entry());
  }

  @Test
  void archivingAnUnknownConversationIsNotFound() {
    assertThatThrownBy(() -> service.archive(owner, Conversations.newId()))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((NotFoundException) e).place()).isEqualTo(NotFoundException.Place.ANYWHERE));
  }

  @Test
  void archiveReplacesAStaleArchivedCopyWhenTheLiveOneHoldsAllOfIt() {
    Conversation conversation = Conversations.sample(owner, 2);
    archive.store(new ArchivedConversation(conversation, T0));
    Conversation grown = Conversations.withOneMoreMessage(conversation);
    live.restore(grown);

    StoreResult result = service.archive(owner, conversation.id());

    assertThat(result.created()).isTrue();
    assertThat(archive.find(owner, conversation.id()).orElseThrow().conversation()).isEqualTo(grown);
    assertThat(live.find(owner, conversation.id())).isEmpty();
  }

  @Test
  void archiveRefusesToChooseBetweenCopiesThatBothHoldUniqueMessages() {
    Conversation conversation = Conversations.sample(owner, 2);
    Conversation archivedBranch = Conversations.withOneMoreMessage(conversation);
    Conversation liveBranch = Conversations.withOneMoreMessage(conversation);
    archive.store(new ArchivedConversation(archivedBranch, T0));
    live.restore(liveBranch);

    assertThatThrownBy(() -> service.archive(owner, conversation.id())).isInstanceOf(ConflictException.class);

    assertThat(live.find(owner, conversation.id())).contains(liveBranch);
    assertThat(archive.find(owner, conversation.id()).orElseThrow().conversation()).isEqualTo(archivedBranch);
  }

  // ---- Several at once, for the sweeper ----

  private static DueConversation due(Conversation conversation) {
    return new DueConversation(conversation.owner(), conversation.id(), DueConversation.Reason.MARKED_DELETED);
  }

  @Test
  void archiveTogetherArchivesTheDueOnesAndTellsWhatBecameOfEachOther() {
    Conversation first = Conversations.sample(owner, 2);
    Conversation second = Conversations.sample(UserId.random(), 3);
    Conversation undeleted = Conversations.sample(owner, 1);
    Conversation before = Conversations.sample(owner, 2);
    List.of(first, second, undeleted, before).forEach(live::restore);
    archive.store(new ArchivedConversation(before, T0)); // a move a crash cut short: archived and live
    DueConversation captured = new DueConversation(owner, Conversations.newId());
    List<DueConversation> batch = List.of(due(first), captured, due(second), due(undeleted), due(before));

    ArchiveService.Grouped grouped = service.archiveTogether(batch, (due, current) -> !current.id().equals(undeleted.id()));

    assertThat(grouped.archived()).containsExactlyInAnyOrder(due(first), due(second), due(before));
    assertThat(grouped.noLongerDue()).containsExactly(due(undeleted));
    assertThat(grouped.failed()).isEmpty();
    assertThat(grouped.alone()).containsExactly(captured);
    for (Conversation moved : List.of(first, second)) {
      assertThat(live.find(moved.owner(), moved.id())).isEmpty();
      assertThat(archive.find(moved.owner(), moved.id())).contains(new ArchivedConversation(moved, clock.instant()));
    }
    assertThat(live.find(owner, before.id())).isEmpty();
    assertThat(archive.find(owner, before.id()).orElseThrow().conversation()).isEqualTo(before);
    assertThat(live.find(owner, undeleted.id())).isPresent();
    assertThat(archive.find(owner, undeleted.id())).isEmpty();
  }

  @Test
  void aStoreThatFailsForOneLeavesItLiveAndArchivesTheOthers() {
    Conversation first = Conversations.sample(owner, 2);
    Conversation broken = Conversations.sample(owner, 2);
    Conversation last = Conversations.sample(owner, 2);
    List.of(first, broken, last).forEach(live::restore);
    StorageUnavailableException outage = new StorageUnavailableException("S3", "the bucket answered 503", null);
    InMemoryConversationArchive failing = new InMemoryConversationArchive() {
      @Override
      public StoreResult store(ArchivedConversation conversation) {
        if (conversation.conversation().id().equals(broken.id())) {
          throw outage;
        }
        return super.store(conversation);
      }
    };
    ArchiveService grouping = new ArchiveService(live, failing, clock);

    ArchiveService.Grouped grouped = grouping.archiveTogether(List.of(due(first), due(broken), due(last)), (due, current) -> true);

    assertThat(grouped.archived()).containsExactlyInAnyOrder(due(first), due(last));
    assertThat(grouped.failed()).containsOnlyKeys(due(broken)).containsValue(outage);
    assertThat(live.find(owner, broken.id())).contains(broken);
    assertThat(failing.find(owner, broken.id())).isEmpty();
    assertThat(live.find(owner, first.id())).isEmpty();
    assertThat(failing.find(owner, last.id())).isPresent();
  }

  @Test
  void aGroupWhoseMoveFailsAsAWholeTakesBackTheCopiesItMadeAndLeavesEachToItsOwnMove() {
    Conversation first = Conversations.sample(owner, 2);
    Conversation second = Conversations.sample(owner, 3);
    InMemoryLiveConversations refusing = new InMemoryLiveConversations() {
      @Override
      public List<ConversationRef> moveOutTogether(List<ConversationRef> refs,
          Function<List<Conversation>, Set<ConversationRef>> archiveStep) {
        // Held and stored, then the app's trigger keeps the rows: the delete fails and nothing moves.
        archiveStep.apply(refs.stream().map(ref -> find(ref.owner(), ref.id()).orElseThrow()).toList());
        throw ConflictException.keptLive(owner.value(), first.id().value(), "deleting them left 2 of their rows");
      }
    };
    List.of(first, second).forEach(refusing::restore);
    ArchiveService grouping = new ArchiveService(refusing, archive, clock);

    ArchiveService.Grouped grouped = grouping.archiveTogether(List.of(due(first), due(second)), (due, current) -> true);

    assertThat(grouped.archived()).isEmpty();
    assertThat(grouped.alone()).containsExactly(due(first), due(second));
    for (Conversation conversation : List.of(first, second)) {
      assertThat(refusing.find(owner, conversation.id())).contains(conversation);
      assertThat(archive.find(owner, conversation.id())).as("the copy the failed group made").isEmpty();
    }
  }

  /**
   * A live store that lets the app write while the step stores (as PostgreSQL's grouped move
   * does): the first conversation gains a message, the second is undeleted; both are handed over
   * again, and what the step answers then decides.
   */
  @Test
  void conversationsHandedOverAgainAreStoredAsTheyAreNowOrTakenBack() {
    Conversation grown = Conversations.sample(owner, 2);
    Conversation undeleted = Conversations.sample(owner, 1);
    Conversation grownLater = Conversations.withOneMoreMessage(grown);
    java.util.Set<ConversationRef> undeletedNow = new java.util.HashSet<>();
    InMemoryLiveConversations writing = new InMemoryLiveConversations() {
      @Override
      public List<ConversationRef> moveOutTogether(List<ConversationRef> refs,
          Function<List<Conversation>, Set<ConversationRef>> archiveStep) {
        archiveStep.apply(List.of(grown, undeleted));
        undeletedNow.add(ConversationRef.of(undeleted));
        Set<ConversationRef> again = archiveStep.apply(List.of(grownLater, undeleted));
        again.forEach(ref -> moveOut(ref.owner(), ref.id(), c -> c));
        return List.of();
      }
    };
    List.of(grown, undeleted).forEach(writing::restore);
    ArchiveService grouping = new ArchiveService(writing, archive, clock);

    ArchiveService.Grouped grouped = grouping.archiveTogether(List.of(due(grown), due(undeleted)),
        (due, current) -> !undeletedNow.contains(ConversationRef.of(current)));

    assertThat(grouped.archived()).containsExactly(due(grown));
    assertThat(grouped.noLongerDue()).containsExactly(due(undeleted));
    assertThat(archive.find(owner, grown.id())).map(ArchivedConversation::conversation).contains(grownLater);
    assertThat(archive.find(owner, undeleted.id())).as("the first look's copy, taken back").isEmpty();
    assertThat(writing.find(owner, undeleted.id())).contains(undeleted);
    assertThat(writing.find(owner, grown.id())).isEmpty();
  }

  @Test
  void restoreMovesTheConversationBack() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));

    assertThat(service.restore(owner, conversation.id())).isEqualTo(conversation);

    assertThat(live.find(owner, conversation.id())).contains(conversation);
    assertThat(archive.find(owner, conversation.id())).isEmpty();
    assertThat(service.restore(owner, conversation.id())).as("restoring again").isEqualTo(conversation);
  }

  @Test
  void restoreOfSomethingNeverArchivedIsNotFound() {
    assertThatThrownBy(() -> service.restore(owner, Conversations.newId()))
        .isInstanceOf(NotFoundException.class)
        .satisfies(e -> assertThat(((NotFoundException) e).place()).isEqualTo(NotFoundException.Place.ARCHIVE));
  }

  @Test
  void restoreKeepsALiveCopyThatHoldsEveryArchivedMessage() {
    Conversation conversation = Conversations.sample(owner, 2);
    archive.store(new ArchivedConversation(conversation, T0));
    Conversation grown = Conversations.withOneMoreMessage(conversation);
    live.restore(grown);

    assertThat(service.restore(owner, conversation.id())).isEqualTo(grown);
    assertThat(archive.find(owner, conversation.id())).isEmpty();
  }

  @Test
  void restoreRefusesToDropArchivedMessagesTheLiveCopyLacks() {
    Conversation conversation = Conversations.sample(owner, 2);
    Conversation archivedBranch = Conversations.withOneMoreMessage(conversation);
    archive.store(new ArchivedConversation(archivedBranch, T0));
    live.restore(conversation);

    assertThatThrownBy(() -> service.restore(owner, conversation.id())).isInstanceOf(ConflictException.class);
    assertThat(archive.find(owner, conversation.id())).isPresent();
  }

  @Test
  void restoreOfAnIdLiveForAnotherUserIsAConflict() {
    Conversation mine = Conversations.sample(owner, 1);
    archive.store(new ArchivedConversation(mine, T0));
    live.restore(new Conversation(mine.id(), UserId.random(), "someone else's", T0, T0, java.util.List.of()));

    assertThatThrownBy(() -> service.restore(owner, mine.id())).isInstanceOf(ConflictException.class);
    assertThat(archive.find(owner, mine.id())).isPresent();
  }

  @Test
  void readsAndDeletesGoToTheArchive() {
    Conversation a = Conversations.sample(owner, 1);
    Conversation b = Conversations.sample(owner, 1);
    archive.store(new ArchivedConversation(a, T0));
    archive.store(new ArchivedConversation(b, T0.plusSeconds(1)));

    assertThat(service.list(owner, PageRequest.first(10)).items()).extracting(e -> e.id()).containsExactly(b.id(), a.id());
    try (Stream<ArchivedConversation> exported = archive.export(owner)) {
      assertThat(exported).hasSize(2);
    }
    service.delete(owner, a.id());
    assertThat(archive.find(owner, a.id())).isEmpty();
    assertThatThrownBy(() -> service.delete(owner, a.id())).isInstanceOf(NotFoundException.class);
    assertThat(service.deleteAll(owner)).isEqualTo(1);
    assertThat(service.list(owner, PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void anArchiveRacingARestoreOfTheSameConversationLeavesItArchivedNotLost() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));
    // Another request archives the conversation just after the restore inserted it live, before
    // the restore deleted the archived copy: the interleaving two machines can produce.
    Racing racing = new Racing();
    ArchiveService other = new ArchiveService(live, archive, clock);
    racing.afterRestoreUnlessLive = () -> other.archive(owner, conversation.id());

    new ArchiveService(racing, archive, clock).restore(owner, conversation.id());

    assertThat(live.find(owner, conversation.id())).isEmpty();
    assertThat(archive.find(owner, conversation.id()).map(ArchivedConversation::conversation)).contains(conversation);
  }

  @Test
  void anEraseArrivingWhileARestoreIsUnderWayIsRefusedAndTheRestoreWins() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));
    Racing racing = new Racing();
    racing.afterRestoreUnlessLive = () -> assertThatThrownBy(() -> service.delete(owner, conversation.id()))
        .isInstanceOf(ConflictException.class).hasMessageContaining("not erased");

    assertThat(new ArchiveService(racing, archive, clock).restore(owner, conversation.id())).isEqualTo(conversation);

    assertThat(live.find(owner, conversation.id())).contains(conversation);
    assertThat(archive.find(owner, conversation.id())).isEmpty();
  }

  @Test
  void erasingARestoredConversationIsNotFoundAndLeavesItLive() {
    Conversation conversation = Conversations.sample(owner, 2);
    archive.store(new ArchivedConversation(conversation, T0));
    service.restore(owner, conversation.id());

    assertThatThrownBy(() -> service.delete(owner, conversation.id())).isInstanceOf(NotFoundException.class);
    assertThat(live.find(owner, conversation.id())).contains(conversation);
  }

  @Test
  void anEraseThatCameFirstLeavesARestoreNothingToRestore() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));
    Racing racing = new Racing();
    racing.beforeRestoreUnlessLive = () -> service.delete(owner, conversation.id());

    assertThatThrownBy(() -> new ArchiveService(racing, archive, clock).restore(owner, conversation.id()))
        .isInstanceOf(NotFoundException.class);

    assertThat(live.find(owner, conversation.id())).isEmpty();
    assertThat(archive.find(owner, conversation.id())).isEmpty();
  }

  @Test
  void anArchiveThatFindsNothingLiveBecauseARestoreIsUnderWayArchivesItInsteadOfAnsweringNotFound() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));
    Racing racing = new Racing();
    racing.afterMoveOut = () -> service.restore(owner, conversation.id());

    StoreResult result = new ArchiveService(racing, archive, clock).archive(owner, conversation.id());

    assertThat(result.entry().id()).isEqualTo(conversation.id());
    assertThat(live.find(owner, conversation.id())).isEmpty();
    assertThat(archive.find(owner, conversation.id())).isPresent();
  }

  @Test
  void aRestoreWhoseLiveCopyIsMovedOutBetweenItsStepsStartsOverInsteadOfAdvisingADelete() {
    Conversation conversation = Conversations.sample(owner, 3);
    live.restore(conversation);
    archive.store(new ArchivedConversation(conversation, T0));
    Racing racing = new Racing();
    racing.afterRestoreUnlessLive = () -> service.archive(owner, conversation.id());

    assertThat(new ArchiveService(racing, archive, clock).restore(owner, conversation.id())).isEqualTo(conversation);

    assertThat(live.find(owner, conversation.id())).contains(conversation);
    assertThat(archive.find(owner, conversation.id())).isEmpty();
  }

  @Test
  void aConversationThatKeepsMovingIsReportedAsContentionToRetry() {
    Conversation conversation = Conversations.sample(owner, 3);
    archive.store(new ArchivedConversation(conversation, T0));
    Racing racing = new Racing();
    // Every time the archive looks in one place, another request has just moved it to the other.
    racing.afterMoveOut = () -> service.restore(owner, conversation.id());
    racing.afterUnlessLive = () -> service.archive(owner, conversation.id());
    racing.repeat = true;

    assertThatThrownBy(() -> new ArchiveService(racing, archive, clock).archive(owner, conversation.id()))
        .isInstanceOf(ContentionException.class);
    assertThat(live.find(owner, conversation.id())).isEmpty();
    assertThat(archive.find(owner, conversation.id())).as("left archived by the last archive").isPresent();
  }

  /** The reference live store, with hooks where another request can cut in between two steps. */
  private final class Racing implements LiveConversations {
    Runnable beforeRestoreUnlessLive = () -> {};
    Runnable afterRestoreUnlessLive = () -> {};
    Runnable afterMoveOut = () -> {};
    Runnable afterUnlessLive = () -> {};
    /** Cut in every time, not only the first. */
    boolean repeat;

    private Runnable once(Runnable hook) {
      return repeat ? hook : () -> {};
    }

    @Override
    public Optional<Conversation> find(UserId o, ConversationId id) {
      return live.find(o, id);
    }

    @Override
    public <T> Optional<T> moveOut(UserId o, ConversationId id, Function<Conversation, T> step) {
      Optional<T> moved = live.moveOut(o, id, step);
      Runnable hook = afterMoveOut;
      afterMoveOut = once(hook);
      hook.run();
      return moved;
    }

    @Override
    public <T> Optional<T> whileLive(UserId o, ConversationId id, Function<Conversation, T> step) {
      return live.whileLive(o, id, step);
    }

    @Override
    public Optional<Restored> restoreUnlessLive(UserId o, ConversationId id, Supplier<Optional<Conversation>> source) {
      Runnable before = beforeRestoreUnlessLive;
      beforeRestoreUnlessLive = once(before);
      before.run();
      Optional<Restored> restored = live.restoreUnlessLive(o, id, source);
      Runnable after = afterRestoreUnlessLive;
      afterRestoreUnlessLive = once(after);
      after.run();
      return restored;
    }

    @Override
    public <T> Optional<T> unlessLive(UserId o, ConversationId id, Supplier<T> step) {
      Optional<T> result = live.unlessLive(o, id, step);
      Runnable hook = afterUnlessLive;
      afterUnlessLive = once(hook);
      hook.run();
      return result;
    }

    @Override
    public void restore(Conversation c) {
      live.restore(c);
    }
  }
}
