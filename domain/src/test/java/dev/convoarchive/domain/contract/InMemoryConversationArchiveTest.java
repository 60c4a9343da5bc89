package dev.convoarchive.domain.contract;

import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;

/** The reference archive passes the contract first, so a failing adapter is the adapter's fault. */
class InMemoryConversationArchiveTest extends ConversationArchiveContract {

  @Override
  protected ConversationArchive createArchive() {
    return new InMemoryConversationArchive();
  }
}
