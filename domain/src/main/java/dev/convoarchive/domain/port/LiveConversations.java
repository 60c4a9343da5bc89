package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The chat app's live database of conversations.
 *
 * <p>Rules every implementation keeps (the contract suite {@code LiveConversationsContract} checks
 * them):
 *
 * <ul>
 *   <li>Every operation is scoped by owner: another user's conversation is "not found".
 *   <li>Messages come ordered by {@code createdAt}, then id.
 *   <li>{@link #moveOut} cannot lose a message written while it runs: such a write either lands in
 *       the copy handed to the callback or fails visibly.
 *   <li>{@link #moveOut}, {@link #whileLive}, {@link #restoreUnlessLive} and {@link #unlessLive} hold
 *       the conversation's lock while they run: per owner and id, live or not, and shared by every
 *       instance of the service. Two of them on one conversation never overlap, so the use cases
 *       can decide what to do from what they see inside, and racing requests get answers that
 *       describe one order.
 * </ul>
 */
public interface LiveConversations {

  /**
   * The spelling of {@code id} this database keeps. Ids it treats as equal (a uuid written in upper
   * case, say) come back as one, so that they name one archived conversation too.
   */
  default ConversationId canonical(ConversationId id) {
    return id;
  }

  /** The live conversation with its messages, or empty when the owner has none with this id. */
  Optional<Conversation> find(UserId owner, ConversationId id);

  /**
   * Moves a conversation out of the live store: holds it against concurrent changes, hands the
   * complete conversation (every row it owns, where the store keeps them) to {@code archiveStep},
   * and deletes it only if {@code archiveStep} returned normally. A conversation the app has
   * deleted itself but the store still holds (captured, not yet archived) is moved out the same way. If {@code archiveStep} throws, the conversation stays live, unchanged, and
   * the exception propagates. Returns empty (without calling {@code archiveStep}) when there is no
   * such live conversation; concurrent move-outs of one conversation run the step at most once.
   */
  <T> Optional<T> moveOut(UserId owner, ConversationId id, Function<Conversation, T> archiveStep);

  /**
   * Moves several conversations out as {@link #moveOut} moves one: holds every one of {@code refs}
   * that is live against the service's other operations, hands them to {@code archiveStep}
   * together, and deletes exactly the ones it returns (it archived them); the others stay live,
   * unchanged. A store may let the app keep writing while the step runs: then the ones that changed
   * meanwhile are handed to {@code archiveStep} once more, held against the app too, and its
   * answer then decides for them. If {@code archiveStep} throws, all stay live and the exception
   * propagates. Returns the refs it did not hold (not live, or not movable together here) for the
   * caller to move one at a time with {@link #moveOut}.
   *
   * <p>A store that can read and delete many conversations with a few statements does so, in one
   * transaction; by default each is moved in its own {@link #moveOut}, its step given a list of one.
   */
  default List<ConversationRef> moveOutTogether(List<ConversationRef> refs,
      Function<List<Conversation>, Set<ConversationRef>> archiveStep) {
    List<ConversationRef> notHeld = new ArrayList<>();
    // Thrown from the step to keep a conversation the step did not archive live, as moveOut keeps it when its step throws.
    CancellationException keep = new CancellationException("not archived: stays live");
    for (ConversationRef ref : refs) {
      try {
        if (moveOut(ref.owner(), ref.id(), current -> {
          if (!archiveStep.apply(List.of(current)).contains(ConversationRef.of(current))) {
            throw keep;
          }
          return true;
        }).isEmpty()) {
          notHeld.add(ref);
        }
      } catch (CancellationException e) {
        if (e != keep) {
          throw e;
        }
      }
    }
    return notHeld;
  }

  /**
   * Holds a live conversation against concurrent changes, moves-out included, while
   * {@code step} runs, and keeps it live. Returns empty (without calling {@code step}) when there
   * is no such live conversation. The use cases run a step here that must not interleave with a
   * move-out of the same conversation.
   */
  <T> Optional<T> whileLive(UserId owner, ConversationId id, Function<Conversation, T> step);

  /**
   * Under the conversation's lock: when the owner has it live, returns that copy with
   * {@code inserted} false, without calling {@code source}; otherwise inserts what {@code source}
   * gives, atomically with all its messages, and returns it with {@code inserted} true. Empty when
   * it is not live and {@code source} gives nothing. Throws {@code ConflictException} when the id
   * is live for another owner.
   */
  Optional<Restored> restoreUnlessLive(UserId owner, ConversationId id, Supplier<Optional<Conversation>> source);

  /**
   * Under the conversation's lock: runs {@code step} if the owner does not have it live, and returns
   * its result; returns empty, without calling {@code step}, when it is live.
   */
  <T> Optional<T> unlessLive(UserId owner, ConversationId id, Supplier<T> step);


  /**
   * Inserts a conversation with all its messages, atomically (for seeding and bulk loads; the
   * use cases restore through {@link #restoreUnlessLive}). Throws {@code ConflictException}
   * when a conversation with that id is already live (for any owner), changing nothing.
   */
  void restore(Conversation conversation);
}
