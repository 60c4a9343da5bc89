package dev.convoarchive.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.domain.usecase.ArchiveService;
import dev.convoarchive.s3.testing.Faults;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A restore that stopped after deleting the archived object but before its index entry (seen in
 * the fault-injection run) is finished by the client's retry: no entry is left listing a
 * conversation that is live again.
 */
class InterruptedRestoreTest {

  @Test
  void theRetryOfARestoreThatLostItsIndexWriteLeavesNoStaleEntry() {
    Faults faults = new Faults();
    try (S3Client client = S3TestServer.newClient(faults)) {
      InMemoryLiveConversations live = new InMemoryLiveConversations();
      ArchiveService service = new ArchiveService(live,
          S3ArchiveModule.create(client, S3TestServer.config().withVariant(StorageVariant.PER_FILE_S3_INDEX), ConflictListener.NONE),
          Clock.systemUTC());
      UserId owner = UserId.random();
      Conversation conversation = Conversations.sample(owner, 2);
      live.restore(conversation);
      service.archive(owner, conversation.id());

      faults.failNextPut(ObjectKeys::isIndex);
      assertThatThrownBy(() -> service.restore(owner, conversation.id())).isInstanceOf(StorageUnavailableException.class);
      assertThat(service.list(owner, PageRequest.first(10)).items()).as("the interrupted restore's leftover").hasSize(1);

      assertThat(service.restore(owner, conversation.id())).isEqualTo(conversation);

      assertThat(service.list(owner, PageRequest.first(10)).items()).isEmpty();
      assertThat(live.find(owner, conversation.id())).contains(conversation);
    }
  }
}
