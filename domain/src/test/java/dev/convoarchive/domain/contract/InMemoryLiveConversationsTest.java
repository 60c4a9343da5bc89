package dev.convoarchive.domain.contract;

import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.InMemoryLiveConversations;

/** The reference live store passes the contract first, so a failing adapter is the adapter's fault. */
class InMemoryLiveConversationsTest extends LiveConversationsContract {

  @Override
  protected LiveConversations createLive() {
    return new InMemoryLiveConversations();
  }
}
