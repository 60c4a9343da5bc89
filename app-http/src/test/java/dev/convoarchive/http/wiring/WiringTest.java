package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Module;
import dev.convoarchive.domain.port.ArchivedDocuments;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import org.junit.jupiter.api.Test;

/** What the service needs of its adapters is checked when it is wired, not when a request first needs it. */
class WiringTest {

  @Test
  void anArchiveThatCannotHandOutItsStoredDocumentsFailsAtWiring() {
    // The in-memory reference archive has no ArchivedDocuments ability, which reading and export need.
    Module ports = binder -> {
      binder.bind(LiveConversations.class).toInstance(new InMemoryLiveConversations());
      binder.bind(ConversationArchive.class).toInstance(new InMemoryConversationArchive());
    };
    assertThatThrownBy(() -> Guice.createInjector(
        new AppModule(TestService.config(StorageVariant.PER_FILE_S3_INDEX, Tokens.shared())), ports))
        .isInstanceOf(CreationException.class)
        .hasMessageContaining("No implementation for " + ArchivedDocuments.class.getSimpleName() + " was bound");
  }
}
