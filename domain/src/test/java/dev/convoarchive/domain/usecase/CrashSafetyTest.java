package dev.convoarchive.domain.usecase;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.domain.usecase.FaultPlan.InjectedFault;
import dev.convoarchive.domain.usecase.FaultPlan.When;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fails each port call of archive and restore in turn, before and after it takes effect, then
 * re-runs the use case without faults. After the fault the conversation must be live, archived or
 * both, never neither; after the re-run it must be in exactly the place the use case moves it to.
 */
class CrashSafetyTest {

  private final Clock clock = Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC);

  @Test
  void archiveLosesNothingWhateverStepFails() {
    UseCase archiveIt = (service, c) -> service.archive(c.owner(), c.id());
    FinalCheck archived = (live, archive, c) -> {
      assertThat(live.find(c.owner(), c.id())).isEmpty();
      assertThat(archive.find(c.owner(), c.id()).map(ArchivedConversation::conversation)).contains(c);
    };
    List<String> faults = new ArrayList<>(everyFault(archiveIt, archived, Seed.LIVE));
    // An interrupted earlier move left an older archived copy beside the live one: replaced.
    faults.addAll(everyFault(archiveIt, archived, Seed.LIVE_AND_OLDER_ARCHIVED_COPY));
    assertThat(faults).as("faults injected").hasSizeGreaterThanOrEqualTo(8);
  }

  @Test
  void restoreLosesNothingWhateverStepFails() {
    List<String> faults = everyFault((service, c) -> service.restore(c.owner(), c.id()),
        (live, archive, c) -> {
          assertThat(live.find(c.owner(), c.id())).contains(c);
          assertThat(archive.find(c.owner(), c.id())).isEmpty();
        }, Seed.ARCHIVED);
    assertThat(faults).as("faults injected").hasSizeGreaterThanOrEqualTo(6);
  }

  enum Seed { LIVE, ARCHIVED, LIVE_AND_OLDER_ARCHIVED_COPY }

  interface FinalCheck {
    void check(InMemoryLiveConversations live, InMemoryConversationArchive archive, Conversation c);
  }

  interface UseCase {
    void run(ArchiveService service, Conversation c);
  }

  /**
   * For each step number and both sides of it: seeds the conversation as {@code seed} says, runs the use case with that one fault, checks "never neither", re-runs
   * it cleanly and applies {@code done}. Returns the faults that fired.
   */
  private List<String> everyFault(UseCase useCase, FinalCheck done, Seed seed) {
    List<String> fired = new ArrayList<>();
    for (int step = 0; ; step++) {
      int firedBefore = fired.size();
      for (When when : When.values()) {
        InMemoryLiveConversations live = new InMemoryLiveConversations();
        InMemoryConversationArchive archive = new InMemoryConversationArchive();
        Conversation c = Conversations.sample(UserId.random(), 3);
        switch (seed) {
          case LIVE -> live.restore(c);
          case ARCHIVED -> archive.store(new ArchivedConversation(c, T0));
          case LIVE_AND_OLDER_ARCHIVED_COPY -> {
            live.restore(c);
            archive.store(new ArchivedConversation(new Conversation(c.id(), c.owner(), c.title(), c.createdAt(),
                c.updatedAt(), c.messages().subList(0, c.messages().size() - 1)), T0));
          }
        }
        FaultPlan plan = new FaultPlan(step, when);
        ArchiveService faulty = new ArchiveService(
            FaultyPorts.live(live, plan), FaultyPorts.archive(archive, plan), clock);

        try {
          useCase.run(faulty, c);
        } catch (InjectedFault expected) {
          // the crash or lost answer under test
        }
        if (plan.fired() == null) {
          continue;
        }
        fired.add(plan.fired());
        Optional<Conversation> liveCopy = live.find(c.owner(), c.id());
        Optional<Conversation> archivedCopy = archive.find(c.owner(), c.id()).map(ArchivedConversation::conversation);
        assertThat(liveCopy.or(() -> archivedCopy)).as("after %s the conversation is somewhere", plan.fired())
            .contains(c);

        useCase.run(new ArchiveService(live, archive, clock), c);
        done.check(live, archive, c);
      }
      if (fired.size() == firedBefore) {
        return fired;
      }
    }
  }

  @Test
  void aStepThatNeverFiresEndsTheSweep() {
    FaultPlan plan = new FaultPlan(99, When.BEFORE);
    assertThat(plan.step("x", () -> 1)).isEqualTo(1);
    assertThat(plan.fired()).isNull();
    FaultPlan firing = new FaultPlan(0, When.AFTER);
    assertThatThrownBy(() -> firing.step("x", () -> 1)).isInstanceOf(InjectedFault.class);
    assertThat(firing.fired()).contains("AFTER step 0 (x)");
  }
}
