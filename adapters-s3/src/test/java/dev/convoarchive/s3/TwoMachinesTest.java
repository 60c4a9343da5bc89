package dev.convoarchive.s3;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two adapter instances, each with its own S3 client, stand for two machines serving one bucket:
 * their in-process queues know nothing of each other, so only the conditional writes keep them
 * from overwriting one another.
 */
class TwoMachinesTest {

  private final S3Client clientA = S3TestServer.newClient();
  private final S3Client clientB = S3TestServer.newClient();
  private final AtomicInteger retries = new AtomicInteger();

  @AfterEach
  void closeClients() {
    clientA.close();
    clientB.close();
  }

  private S3Archive machine(S3Client client, StorageVariant variant) {
    return S3ArchiveModule.create(client, S3TestServer.config().withVariant(variant), key -> retries.incrementAndGet());
  }

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, mode = EnumSource.Mode.EXCLUDE, names = "PER_FILE_POSTGRES_INDEX")
  void concurrentArchivesFromTwoMachinesAreAllKept(StorageVariant variant) throws Exception {
    List<S3Archive> machines = List.of(machine(clientA, variant), machine(clientB, variant));
    UserId owner = UserId.random();
    int perMachine = 16;
    List<Conversation> conversations = new ArrayList<>();
    for (int i = 0; i < 2 * perMachine; i++) {
      conversations.add(Conversations.sample(owner, 2));
    }

    List<Boolean> created = Concurrently.run(2 * perMachine, t -> () -> List.of(
        machines.get(t % 2).store(new ArchivedConversation(conversations.get(t), T0.plusSeconds(t))).created()));

    assertThat(created).hasSize(32).containsOnly(true);
    for (S3Archive machine : machines) {
      Page<ArchiveEntry> page = machine.list(owner, PageRequest.first(100));
      assertThat(page.items()).extracting(ArchiveEntry::id)
          .containsExactlyInAnyOrderElementsOf(conversations.stream().map(Conversation::id).toList());
      for (Conversation c : conversations) {
        assertThat(machine.find(owner, c.id()).map(ArchivedConversation::conversation)).contains(c);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, mode = EnumSource.Mode.EXCLUDE, names = "PER_FILE_POSTGRES_INDEX")
  void bothMachinesArchivingOneIdStoreItOnce(StorageVariant variant) throws Exception {
    List<S3Archive> machines = List.of(machine(clientA, variant), machine(clientB, variant));
    UserId owner = UserId.random();
    Conversation conversation = Conversations.sample(owner, 3);
    ConversationId id = conversation.id();

    List<Boolean> created = Concurrently.run(8, t -> () -> List.of(
        machines.get(t % 2).store(new ArchivedConversation(conversation, T0.plusSeconds(t))).created()));

    assertThat(created).filteredOn(c -> c).hasSize(1);
    assertThat(machines.get(0).list(owner, PageRequest.first(10)).items()).extracting(ArchiveEntry::id).containsExactly(id);
    assertThat(machines.get(1).find(owner, id).map(ArchivedConversation::conversation)).contains(conversation);
  }

  @ParameterizedTest
  @EnumSource(value = StorageVariant.class, mode = EnumSource.Mode.EXCLUDE, names = "PER_FILE_POSTGRES_INDEX")
  void concurrentDeletesAndArchivesFromTwoMachinesLeaveExactlyTheSurvivors(StorageVariant variant) throws Exception {
    List<S3Archive> machines = List.of(machine(clientA, variant), machine(clientB, variant));
    UserId owner = UserId.random();
    List<Conversation> doomed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Conversation c = Conversations.sample(owner, 1);
      machines.get(0).store(new ArchivedConversation(c, T0));
      doomed.add(c);
    }
    List<Conversation> added = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      added.add(Conversations.sample(owner, 1));
    }

    Concurrently.run(20, t -> () -> {
      S3Archive machine = machines.get(t % 2);
      if (t < 10) {
        return List.of(machine.delete(owner, doomed.get(t).id()));
      }
      return List.of(machine.store(new ArchivedConversation(added.get(t - 10), T0.plusSeconds(t))).created());
    });

    assertThat(machines.get(1).list(owner, PageRequest.first(100)).items()).extracting(ArchiveEntry::id)
        .containsExactlyInAnyOrderElementsOf(added.stream().map(Conversation::id).toList());
  }
}
