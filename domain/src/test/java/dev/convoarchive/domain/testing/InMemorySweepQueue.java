package dev.convoarchive.domain.testing;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.SweepQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The sweep queue for domain tests: hands out the conversations put in {@link #due}, in claims
 * of the size asked (recorded in {@link #claimSizes}); each is still due under its lock. Empty,
 * a pass is retention only.
 */
public final class InMemorySweepQueue implements SweepQueue {

  public final Deque<DueConversation> due = new ArrayDeque<>();
  public final List<Integer> claimSizes = new ArrayList<>();
  /** How long each claim takes, as a busy database would make it. */
  public volatile Duration claimTakes = Duration.ZERO;

  @Override
  public synchronized List<DueConversation> claim(int limit, Instant now, Duration lease) {
    claimSizes.add(limit);
    try {
      Thread.sleep(claimTakes.toMillis()); // plays the database's answer time, not a wait for an outcome
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<DueConversation> claimed = new ArrayList<>();
    while (claimed.size() < limit && !due.isEmpty()) {
      claimed.add(due.poll());
    }
    return claimed;
  }

  /** What giving a claim up throws, as an unreachable database would; null for nothing. */
  public volatile RuntimeException releaseFails;

  @Override
  public void release(DueConversation due) {
    if (releaseFails != null) {
      throw releaseFails;
    }
  }

  @Override
  public void releaseAll(List<DueConversation> done) {
    if (releaseFails != null) {
      throw releaseFails;
    }
  }

  @Override
  public boolean stillDue(DueConversation due, Conversation current, Instant now) {
    return true;
  }

  @Override
  public long unusable() {
    return 0;
  }

  @Override
  public List<UserId> removedAccounts(Instant since) {
    return List.of();
  }

  @Override
  public int forgetCaptured(UserId owner) {
    return 0;
  }

  @Override
  public Optional<Instant> oldestDue(Instant now) {
    return Optional.empty();
  }

  @Override
  public synchronized long countDue(Instant now) {
    return due.size();
  }
}
