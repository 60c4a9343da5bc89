package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The conversations due for the archive: deleted by the chat app (captured in its own delete
 * transaction), or (when cold tiering is on) inactive for long enough. Shared by every sweeping
 * instance: a conversation is claimed by one at a time, for a lease, and a claim that is not
 * released lapses, so a crashed instance's batch goes to another. Times come from the caller's
 * clock.
 */
public interface SweepQueue {

  /**
   * Claims up to {@code limit} due conversations, oldest first, none that another sweeper holds,
   * for {@code lease} from {@code now}. A due row the service cannot use (an id outside its
   * alphabet, no owner) is claimed too, so that it is not taken again at once, and counted in
   * {@link #unusable()} instead of returned.
   */
  List<DueConversation> claim(int limit, Instant now, Duration lease);

  /** Gives a claim up: after its conversation was archived, or was found gone or no longer due. */
  void release(DueConversation due);

  /** Gives several claims up at once (a group's); by default one after another. */
  default void releaseAll(List<DueConversation> done) {
    done.forEach(this::release);
  }

  /**
   * Whether {@code current}, the conversation as it is now under its lock, is still due for the
   * reason it was claimed: a conversation undeleted, or active again, since its claim is not.
   */
  boolean stillDue(DueConversation due, Conversation current, Instant now);

  /** How many due rows so far could not be used (see {@link #claim}). */
  long unusable();

  /**
   * Users whose accounts were removed since {@code since}, whose captured conversations and
   * archive are to be erased (right to erasure), not archived. Empty when the queue does not
   * erase accounts.
   */
  List<UserId> removedAccounts(Instant since);

  /** Erases the captured, not yet archived, conversations of a removed user; returns how many. */
  int forgetCaptured(UserId owner);

  /** Since when the longest-waiting due conversation has been due, or empty when none is. */
  Optional<Instant> oldestDue(Instant now);

  /** How many conversations are due (claimed or not). */
  long countDue(Instant now);
}
