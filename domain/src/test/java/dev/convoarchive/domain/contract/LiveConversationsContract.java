package dev.convoarchive.domain.contract;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.Message;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.Role;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every {@link LiveConversations} must do. An implementation's test extends this class and
 * supplies {@link #createLive()}; tests use fresh random users and ids, so the store may be shared.
 * A case an implementation cannot support is skipped through {@link #unsupported} with a reason.
 *
 * <p>Conversations are put live through {@link #seed}, which an implementation on a real app's
 * tables overrides to write them as that app would. Copies are compared as people see them
 * ({@link Conversation#withoutLiveRows()}); that the live rows themselves come back exactly is
 * each implementation's own test.
 */
public abstract class LiveConversationsContract {

  protected LiveConversations live;

  /** A ready live store; called before every test. */
  protected abstract LiveConversations createLive();

  /** Why the named test cannot run against this implementation, or null when it can. */
  protected String unsupported(String testName) {
    return null;
  }

  /** Releases what {@link #createLive()} made; called after every test. */
  protected void closeLive() {}

  @BeforeEach
  void setUpLive(TestInfo info) {
    String method = info.getTestMethod().orElseThrow().getName();
    String reason = unsupported(method);
    assumeTrue(reason == null, () -> getClass().getSimpleName() + " skips " + method + ": " + reason);
    live = createLive();
  }

  @AfterEach
  void tearDownLive() {
    closeLive();
  }

  /**
   * Puts {@code conversation} live as the app would and returns it as this store shows it. By
   * default through {@link LiveConversations#restore}, which shows it as given.
   */
  protected Conversation seed(Conversation conversation) {
    live.restore(conversation);
    return conversation;
  }

  /** The live copy as people see it. */
  private Optional<Conversation> found(UserId owner, ConversationId id) {
    return live.find(owner, id).map(Conversation::withoutLiveRows);
  }

  /** A conversation that is not live but can be restored: seeded, then moved out. */
  private Conversation movedOut(Conversation conversation) {
    seed(conversation);
    return live.moveOut(conversation.owner(), conversation.id(), c -> c).orElseThrow();
  }

  @Test
  void restoredConversationIsFoundWithEveryField() {
    Conversation rich = Conversations.rich(UserId.random());
    live.restore(rich);
    assertThat(found(rich.owner(), rich.id())).contains(rich);
  }

  @Test
  void messagesComeOrderedByCreatedAtThenId() {
    UserId owner = UserId.random();
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // Pairs share a timestamp, so the id decides their order.
      messages.add(new Message(Conversations.newMessageId(), Role.USER, "m" + i, T0.plusSeconds(i / 2)));
    }
    List<Message> shuffled = new ArrayList<>(messages);
    Collections.reverse(shuffled);
    Conversation conversation = new Conversation(Conversations.newId(), owner, "order", T0, T0, shuffled);

    seed(conversation);

    List<String> expected = messages.stream()
        .sorted(java.util.Comparator.comparing(Message::createdAt).thenComparing(Message::id)).map(Message::id).toList();
    assertThat(live.find(owner, conversation.id()).orElseThrow().messages()).extracting(Message::id)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void missingIsEmpty() {
    assertThat(live.find(UserId.random(), Conversations.newId())).isEmpty();
    assertThat(live.find(UserId.random(), ConversationId.of("not-a-uuid_at-all"))).isEmpty();
  }

  @Test
  void restoringAnIdThatIsLiveIsAConflictAndChangesNothing() {
    Conversation original = seed(Conversations.sample(UserId.random(), 2));
    Conversation copy = live.find(original.owner(), original.id()).orElseThrow();

    Conversation sameId = Conversations.withOneMoreMessage(original);
    assertThatThrownBy(() -> live.restore(sameId)).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> live.restore(copy)).isInstanceOf(ConflictException.class);

    Conversation othersSameId = new Conversation(original.id(), UserId.random(), "other", T0, T0, List.of());
    assertThatThrownBy(() -> live.restore(othersSameId)).isInstanceOf(ConflictException.class);

    assertThat(found(original.owner(), original.id())).contains(original);
  }

  @Test
  void moveOutHandsOverTheWholeConversationThenDeletesIt() {
    Conversation conversation = seed(Conversations.rich(UserId.random()));
    List<Conversation> handed = new ArrayList<>();

    Optional<String> result = live.moveOut(conversation.owner(), conversation.id(), c -> {
      handed.add(c.withoutLiveRows());
      return "stored";
    });

    assertThat(result).contains("stored");
    assertThat(handed).containsExactly(conversation);
    assertThat(live.find(conversation.owner(), conversation.id())).isEmpty();
  }

  @Test
  void moveOutOfAMissingConversationDoesNotRunTheStep() {
    AtomicInteger calls = new AtomicInteger();
    Optional<Integer> result = live.moveOut(UserId.random(), Conversations.newId(), c -> calls.incrementAndGet());
    assertThat(result).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void aFailedStepLeavesTheConversationLiveAndUnchanged() {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 5));
    Conversation before = live.find(conversation.owner(), conversation.id()).orElseThrow();
    IllegalStateException failure = new IllegalStateException("archive write failed");

    assertThatThrownBy(() -> live.moveOut(conversation.owner(), conversation.id(), c -> {
      throw failure;
    })).isSameAs(failure);

    assertThat(live.find(conversation.owner(), conversation.id())).contains(before);
    assertThat(live.moveOut(conversation.owner(), conversation.id(), Conversation::withoutLiveRows)).contains(conversation);
  }

  @Test
  void anotherUsersConversationIsNotFound() {
    Conversation alices = seed(Conversations.sample(UserId.random(), 3));
    UserId bob = UserId.random();
    AtomicInteger calls = new AtomicInteger();

    assertThat(live.find(bob, alices.id())).isEmpty();
    assertThat(live.moveOut(bob, alices.id(), c -> calls.incrementAndGet())).isEmpty();

    assertThat(calls).hasValue(0);
    assertThat(found(alices.owner(), alices.id())).contains(alices);
  }

  @Test
  void aMovedOutConversationCanBeRestored() {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 4));
    Conversation before = live.find(conversation.owner(), conversation.id()).orElseThrow();
    Conversation moved = live.moveOut(conversation.owner(), conversation.id(), c -> c).orElseThrow();

    live.restore(moved);

    assertThat(live.find(conversation.owner(), conversation.id())).contains(before);
  }

  @Test
  void concurrentMoveOutsRunTheStepOnce() throws Exception {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 3));
    AtomicInteger steps = new AtomicInteger();

    List<Boolean> moved = Concurrently.run(4, t -> () -> List.of(
        live.moveOut(conversation.owner(), conversation.id(), c -> steps.incrementAndGet()).isPresent()));

    assertThat(steps).hasValue(1);
    assertThat(moved).filteredOn(m -> m).hasSize(1);
    assertThat(live.find(conversation.owner(), conversation.id())).isEmpty();
  }

  private static ConversationRef ref(Conversation conversation) {
    return ConversationRef.of(conversation);
  }

  @Test
  void moveOutTogetherHandsOverTheLiveOnesAndDeletesWhatTheStepArchived() {
    Conversation first = seed(Conversations.rich(UserId.random()));
    Conversation second = seed(Conversations.sample(UserId.random(), 3));
    Conversation kept = seed(Conversations.sample(first.owner(), 2));
    ConversationRef missing = new ConversationRef(UserId.random(), Conversations.newId());
    ConversationRef someoneElses = new ConversationRef(UserId.random(), second.id());
    List<Conversation> handed = new ArrayList<>();

    List<ConversationRef> notHeld = live.moveOutTogether(List.of(ref(first), missing, ref(second), someoneElses, ref(kept)),
        held -> {
          held.forEach(c -> handed.add(c.withoutLiveRows()));
          return Set.of(ref(first), ref(second));
        });

    assertThat(notHeld).containsExactlyInAnyOrder(missing, someoneElses);
    assertThat(handed).containsExactlyInAnyOrder(first, second, kept);
    assertThat(live.find(first.owner(), first.id())).isEmpty();
    assertThat(live.find(second.owner(), second.id())).isEmpty();
    assertThat(found(kept.owner(), kept.id())).contains(kept);
  }

  @Test
  void aFailedGroupStepLeavesEveryConversationLiveAndUnchanged() {
    List<Conversation> before = new ArrayList<>();
    List<ConversationRef> refs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Conversation conversation = seed(Conversations.sample(UserId.random(), 2 + i));
      before.add(live.find(conversation.owner(), conversation.id()).orElseThrow());
      refs.add(ref(conversation));
    }
    IllegalStateException failure = new IllegalStateException("archive write failed");

    assertThatThrownBy(() -> live.moveOutTogether(refs, held -> {
      throw failure;
    })).isSameAs(failure);

    for (Conversation conversation : before) {
      assertThat(live.find(conversation.owner(), conversation.id())).contains(conversation);
    }
  }

  @Test
  void racingGroupMovesHandEachConversationOverOnce() throws Exception {
    List<ConversationRef> refs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      refs.add(ref(seed(Conversations.sample(UserId.random(), 2))));
    }
    java.util.Map<ConversationRef, AtomicInteger> handed = new java.util.concurrent.ConcurrentHashMap<>();

    Concurrently.run(4, t -> () -> {
      List<ConversationRef> shuffled = new ArrayList<>(refs);
      Collections.shuffle(shuffled, new java.util.Random(t));
      return live.moveOutTogether(shuffled, held -> {
        held.forEach(c -> handed.computeIfAbsent(ref(c), r -> new AtomicInteger()).incrementAndGet());
        return held.stream().map(ConversationRef::of).collect(java.util.stream.Collectors.toSet());
      });
    });

    assertThat(handed.keySet()).containsExactlyInAnyOrderElementsOf(refs);
    assertThat(handed.values()).allSatisfy(times -> assertThat(times).hasValue(1));
    for (ConversationRef moved : refs) {
      assertThat(live.find(moved.owner(), moved.id())).isEmpty();
    }
  }

  @Test
  void aGroupMoveWaitsForAStepRunWhileLive() throws Exception {
    Conversation held = seed(Conversations.sample(UserId.random(), 2));
    Conversation free = seed(Conversations.sample(UserId.random(), 1));
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<?>[] moving = new java.util.concurrent.Future<?>[1];
      live.whileLive(held.owner(), held.id(), current -> {
        moving[0] = other.submit(() -> live.moveOutTogether(List.of(ref(free), ref(held)),
            group -> group.stream().map(ConversationRef::of).collect(java.util.stream.Collectors.toSet())));
        // Bounded look: the group must not have moved the held conversation while the step holds it.
        assertThatThrownBy(() -> moving[0].get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(live.find(held.owner(), held.id())).isPresent();
        return current;
      });
      moving[0].get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(live.find(held.owner(), held.id())).isEmpty();
      assertThat(live.find(free.owner(), free.id())).isEmpty();
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void whileLiveRunsTheStepAndKeepsTheConversation() {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 2));

    assertThat(live.whileLive(conversation.owner(), conversation.id(), Conversation::withoutLiveRows)).contains(conversation);
    assertThat(found(conversation.owner(), conversation.id())).contains(conversation);
    AtomicInteger calls = new AtomicInteger();
    assertThat(live.whileLive(conversation.owner(), Conversations.newId(), c -> calls.incrementAndGet())).isEmpty();
    assertThat(live.whileLive(UserId.random(), conversation.id(), c -> calls.incrementAndGet())).isEmpty();
    assertThat(calls).hasValue(0);
  }

  @Test
  void aMoveOutWaitsForAStepRunWhileLive() throws Exception {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 2));
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<?>[] moving = new java.util.concurrent.Future<?>[1];
      live.whileLive(conversation.owner(), conversation.id(), held -> {
        moving[0] = other.submit(() -> live.moveOut(conversation.owner(), conversation.id(), c -> c));
        // Bounded look: the move-out must still be waiting while the step holds the conversation.
        assertThatThrownBy(() -> moving[0].get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
        return held;
      });
      moving[0].get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(live.find(conversation.owner(), conversation.id())).isEmpty();
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void restoreUnlessLiveInsertsWhatTheSourceGives() {
    Conversation conversation = movedOut(Conversations.sample(UserId.random(), 3));

    Optional<Restored> restored =
        live.restoreUnlessLive(conversation.owner(), conversation.id(), () -> Optional.of(conversation));

    assertThat(restored).contains(new Restored(conversation, true));
    assertThat(live.find(conversation.owner(), conversation.id())).contains(conversation);
  }

  @Test
  void restoreUnlessLiveWithNothingToInsertChangesNothing() {
    Conversation conversation = Conversations.sample(UserId.random(), 1);

    assertThat(live.restoreUnlessLive(conversation.owner(), conversation.id(), Optional::empty)).isEmpty();
    assertThat(live.find(conversation.owner(), conversation.id())).isEmpty();
  }

  @Test
  void restoreUnlessLiveOfALiveConversationReturnsItWithoutAskingTheSource() {
    Conversation conversation = seed(Conversations.sample(UserId.random(), 2));

    Optional<Restored> restored = live.restoreUnlessLive(conversation.owner(), conversation.id(),
        () -> { throw new AssertionError("the source must not be read when the conversation is live"); });

    assertThat(restored.map(r -> new Restored(r.conversation().withoutLiveRows(), r.inserted())))
        .contains(new Restored(conversation, false));
  }

  @Test
  void restoreUnlessLiveOfAnIdLiveForAnotherOwnerIsAConflict() {
    Conversation theirs = seed(Conversations.sample(UserId.random(), 1));
    UserId me = UserId.random();

    assertThatThrownBy(() -> live.restoreUnlessLive(me, theirs.id(), () -> Optional.of(
        new Conversation(theirs.id(), me, "mine", theirs.createdAt(), theirs.updatedAt(), java.util.List.of()))))
        .isInstanceOf(ConflictException.class);
    assertThat(found(theirs.owner(), theirs.id())).contains(theirs);
  }

  @Test
  void unlessLiveRunsTheStepOnlyWhenTheConversationIsNotLive() {
    Conversation conversation = movedOut(Conversations.sample(UserId.random(), 1));

    assertThat(live.unlessLive(conversation.owner(), conversation.id(), () -> "ran")).contains("ran");
    live.restore(conversation);
    assertThat(live.unlessLive(conversation.owner(), conversation.id(),
        () -> { throw new AssertionError("the step must not run while the conversation is live"); })).isEmpty();
  }

  @Test
  void aConversationsLockIsHeldWhetherOrNotItIsLive() throws Exception {
    // An erase (unlessLive) and a restore (restoreUnlessLive) of a conversation that is not live
    // must not overlap, or the restore could insert a copy the erase has just reported gone.
    Conversation conversation = movedOut(Conversations.sample(UserId.random(), 2));
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<?>[] restoring = new java.util.concurrent.Future<?>[1];
      live.unlessLive(conversation.owner(), conversation.id(), () -> {
        restoring[0] = other.submit(() ->
            live.restoreUnlessLive(conversation.owner(), conversation.id(), () -> Optional.of(conversation)));
        assertThatThrownBy(() -> restoring[0].get(300, java.util.concurrent.TimeUnit.MILLISECONDS))
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
        return "held";
      });
      restoring[0].get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(live.find(conversation.owner(), conversation.id())).contains(conversation);
    } finally {
      other.shutdownNow();
    }
  }
}
