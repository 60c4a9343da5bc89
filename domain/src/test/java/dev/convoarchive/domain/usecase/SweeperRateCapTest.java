package dev.convoarchive.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.domain.testing.InMemorySweepQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SWEEP_MAX_RATE: a backlog is moved no faster than the cap, and a claim never holds more than
 * the cap lets start within half a lease. (The cap is a lower bound on the time taken, which no
 * machine can beat; how fast the sweeper goes below it is measured in strategy-bench.)
 */
class SweeperRateCapTest {

  @Test
  void aBacklogMovesNoFasterThanTheCapInClaimsTheCapCanStartWithinHalfALease() throws Exception {
    InMemoryLiveConversations live = new InMemoryLiveConversations();
    InMemoryConversationArchive archive = new InMemoryConversationArchive();
    InMemorySweepQueue backlog = new InMemorySweepQueue();
    UserId owner = UserId.random();
    for (int i = 0; i < 30; i++) {
      Conversation conversation = Conversations.sample(owner, 1);
      live.restore(conversation);
      backlog.due.add(new DueConversation(owner, conversation.id(), DueConversation.Reason.INACTIVE));
    }
    ArchiveService service = new ArchiveService(live, archive, Clock.systemUTC());
    // 40 a second with a 10-second lease: claims of at most 40 * 5 = 200, so the batch size of 500 is cut.
    Sweeper.Settings capped = new Sweeper.Settings(500, 4, Duration.ofSeconds(10), Optional.empty(), 40);
    assertThat(capped.claimSize()).isEqualTo(200);
    assertThat(new Sweeper.Settings(500, 4, Duration.ofSeconds(10), Optional.empty(), 0.1).claimSize()).isEqualTo(1);
    try (Sweeper sweeper = new Sweeper(service, backlog, Optional.empty(), capped, Clock.systemUTC())) {
      long started = System.nanoTime();
      Sweeper.Pass pass = sweeper.runOnce(progress -> {});
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(pass.archived()).isEqualTo(30);
      assertThat(took).as("30 starts at most 40 a second: 29 gaps of 25 ms").isGreaterThanOrEqualTo(Duration.ofMillis(725));
      assertThat(backlog.claimSizes).allSatisfy(size -> assertThat(size).isEqualTo(200));
    }
    assertThatThrownBy(() -> new Sweeper.Settings(10, 1, Duration.ofSeconds(10), Optional.empty(), 0))
        .hasMessageContaining("rate cap");
  }

  /**
   * SWEEP_DB_BUDGET: claims slower than the budget (a busy database) double the spacing of archive
   * starts each time, from 10 ms without a cap; quick claims leave the pace alone.
   */
  @Test
  void slowClaimsBackTheSweeperOffAndQuickOnesDoNot() throws Exception {
    Duration slowRun = sweep(Duration.ofMillis(150), Duration.ofMillis(50));
    Duration quickRun = sweep(Duration.ofMillis(150), Duration.ofSeconds(5));

    // Over budget: 3 batches of 10 starts spaced 10, 20 and 40 ms (630 ms) besides the 4 claims' 600 ms.
    assertThat(slowRun).isGreaterThanOrEqualTo(Duration.ofMillis(1230));
    // Within budget the starts are not spaced (no cap): the claims' 600 ms and the work.
    assertThat(quickRun).isLessThan(slowRun);
  }

  private static Duration sweep(Duration claimTakes, Duration budget) throws Exception {
    InMemoryLiveConversations live = new InMemoryLiveConversations();
    InMemorySweepQueue backlog = new InMemorySweepQueue();
    backlog.claimTakes = claimTakes;
    UserId owner = UserId.random();
    for (int i = 0; i < 30; i++) {
      Conversation conversation = Conversations.sample(owner, 1);
      live.restore(conversation);
      backlog.due.add(new DueConversation(owner, conversation.id(), DueConversation.Reason.INACTIVE));
    }
    Sweeper.Settings settings = new Sweeper.Settings(10, 4, Duration.ofMinutes(5), Optional.empty(),
        Double.POSITIVE_INFINITY, budget);
    try (Sweeper sweeper = new Sweeper(new ArchiveService(live, new InMemoryConversationArchive(), Clock.systemUTC()),
        backlog, Optional.empty(), settings, Clock.systemUTC())) {
      long started = System.nanoTime();
      assertThat(sweeper.runOnce(progress -> {}).archived()).isEqualTo(30);
      return Duration.ofNanos(System.nanoTime() - started);
    }
  }
}
