package dev.convoarchive.domain.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.domain.testing.InMemorySweepQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A pass moves its batches a group at a time; a claim that cannot be given up does not stop it. */
class SweeperGroupsTest {

  private final InMemoryLiveConversations live = new InMemoryLiveConversations();
  private final InMemoryConversationArchive archive = new InMemoryConversationArchive();
  private final InMemorySweepQueue queue = new InMemorySweepQueue();

  private List<Conversation> due(int count) {
    List<Conversation> conversations = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Conversation conversation = Conversations.sample(UserId.random(), 2);
      live.restore(conversation);
      queue.due.add(new DueConversation(conversation.owner(), conversation.id(), DueConversation.Reason.MARKED_DELETED));
      conversations.add(conversation);
    }
    return conversations;
  }

  @Test
  void aPassArchivesEveryDueConversationAndCountsEachOnce() throws Exception {
    List<Conversation> conversations = due(23);
    queue.due.add(new DueConversation(UserId.random(), Conversations.newId())); // gone before its turn

    Sweeper.Pass pass;
    try (Sweeper sweeper = new Sweeper(new ArchiveService(live, archive, Clock.systemUTC()), queue, Optional.empty(),
        new Sweeper.Settings(10, 3, Duration.ofMinutes(1), Optional.empty()), Clock.systemUTC())) {
      pass = sweeper.runOnce(progress -> {});
    }

    assertThat(pass.archived()).isEqualTo(23);
    assertThat(pass.gone()).isEqualTo(1);
    assertThat(pass.clean()).isTrue();
    for (Conversation conversation : conversations) {
      assertThat(live.find(conversation.owner(), conversation.id())).isEmpty();
      assertThat(archive.find(conversation.owner(), conversation.id())).isPresent();
    }
  }

  @Test
  void claimsThatCannotBeGivenUpLapseInsteadOfStoppingThePass() throws Exception {
    List<Conversation> conversations = due(8);
    queue.releaseFails = new IllegalStateException("the database went away");

    Sweeper.Pass pass;
    try (Sweeper sweeper = new Sweeper(new ArchiveService(live, archive, Clock.systemUTC()), queue, Optional.empty(),
        new Sweeper.Settings(4, 2, Duration.ofMinutes(1), Optional.empty()), Clock.systemUTC())) {
      pass = sweeper.runOnce(progress -> {});
    }

    assertThat(pass.archived()).isEqualTo(8);
    assertThat(conversations).allSatisfy(c -> assertThat(archive.find(c.owner(), c.id())).isPresent());
  }
}
