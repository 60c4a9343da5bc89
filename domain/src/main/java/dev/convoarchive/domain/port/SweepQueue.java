package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.DueConversation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The live conversations due for the archive: marked deleted by the chat app, or (when cold
 * tiering is on) inactive for long enough. Shared by every sweeping instance: a conversation is
 * claimed by one at a time, for a lease, and a claim that is not released lapses, so a crashed
 * instance's batch goes to another. Times come from the caller's clock.
 */
public interface SweepQueue {

  /**
   * Claims up to {@code limit} due conversations, oldest first, none that another sweeper holds,
   * for {@code lease} from {@code now}.
   */
  List<DueConversation> claim(int limit, Instant now, Duration lease);

  /** Gives a claim up: after its conversation was archived, or was found gone. */
  void release(DueConversation due);

  /** Since when the longest-waiting due conversation has been due, or empty when none is. */
  Optional<Instant> oldestDue(Instant now);

  /** How many conversations are due (claimed or not). */
  long countDue(Instant now);
}
