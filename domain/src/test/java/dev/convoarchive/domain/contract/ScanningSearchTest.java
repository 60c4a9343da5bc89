package dev.convoarchive.domain.contract;

import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.testing.InMemoryConversationArchive;
import dev.convoarchive.domain.usecase.ScanningSearch;

/** The search without an index passes the contract on the reference archive. */
class ScanningSearchTest extends ArchiveSearchContract {

  @Override
  protected Searched create() {
    InMemoryConversationArchive archive = new InMemoryConversationArchive();
    ScanningSearch search = new ScanningSearch(archive, SearchMode.FULL);
    return new Searched() {
      @Override
      public void archive(ArchivedConversation conversation) {
        archive.store(conversation);
      }

      @Override
      public void erase(UserId owner, ConversationId id) {
        archive.delete(owner, id);
      }

      @Override
      public ArchiveSearch search() {
        return search;
      }
    };
  }
}
