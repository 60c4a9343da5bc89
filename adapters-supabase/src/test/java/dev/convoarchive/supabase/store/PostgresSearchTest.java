package dev.convoarchive.supabase.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.contract.ArchiveSearchContract;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchQuery;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.supabase.TestDatabase;
import dev.convoarchive.supabase.live.IdType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's full-text search over the catalog's search documents passes the search contract
 * (simple configuration), and the document comes and goes with its catalog row.
 */
class PostgresSearchTest extends ArchiveSearchContract {

  private static final String SCHEMA = "search_test";

  private static DataSource pool() {
    DataSource pool = TestDatabase.pool(IdType.UUID);
    ServiceSchema.migrate(pool, SCHEMA);
    return pool;
  }

  static void record(PostgresArchiveCatalog catalog, ArchivedConversation conversation) {
    catalog.record(conversation.owner(), conversation.id(), SearchText.of(conversation.conversation()),
        () -> new StoreResult(ArchiveEntry.of(conversation, 1000), true));
  }

  @Override
  protected Searched create() {
    DataSource pool = pool();
    PostgresArchiveCatalog catalog = new PostgresArchiveCatalog(pool, SCHEMA);
    PostgresSearch search = new PostgresSearch(pool, SCHEMA, SearchDocuments.DEFAULT);
    return new Searched() {
      @Override
      public void archive(ArchivedConversation conversation) {
        record(catalog, conversation);
      }

      @Override
      public void erase(UserId owner, ConversationId id) {
        catalog.remove(owner, id, () -> true);
      }

      @Override
      public ArchiveSearch search() {
        return search;
      }
    };
  }

  private static Conversation titled(Conversation c, String title) {
    return new Conversation(c.id(), c.owner(), title, c.createdAt(), c.updatedAt(), c.messages());
  }

  private static long count(DataSource pool, String sql) throws SQLException {
    try (Connection connection = pool.getConnection(); ResultSet row = connection.createStatement().executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Racing archives and erases leave exactly one search document per catalog row, and search finds exactly those. */
  @Test
  void concurrentArchiveAndEraseKeepTheSearchDocumentsEqualToTheCatalog() throws Exception {
    DataSource pool = pool();
    PostgresArchiveCatalog catalog = new PostgresArchiveCatalog(pool, SCHEMA);
    PostgresSearch search = new PostgresSearch(pool, SCHEMA, SearchDocuments.DEFAULT);
    UserId owner = UserId.random();
    List<ArchivedConversation> conversations = java.util.stream.IntStream.range(0, 40)
        .mapToObj(i -> Conversations.archived(Conversations.sample(owner, 3), Conversations.T0.plusSeconds(i))).toList();
    String word = "zebra" + Long.toHexString(System.nanoTime());
    List<ArchivedConversation> withWord = conversations.stream().map(c -> new ArchivedConversation(
        titled(c.conversation(), word + " " + c.conversation().title()), c.archivedAt(), c.formatVersion())).toList();

    Concurrently.run(8, t -> () -> {
      for (int i = t; i < withWord.size(); i += 8) {
        ArchivedConversation c = withWord.get(i);
        record(catalog, c);
        if (i % 2 == 0) {
          catalog.remove(owner, c.id(), () -> true);
        }
      }
      return List.of();
    });

    long rows = count(pool, "select count(*) from " + SCHEMA + ".archive_catalog where user_id = '" + owner + "'");
    long documents = count(pool, "select count(*) from " + SCHEMA + ".archive_catalog where user_id = '" + owner
        + "' and search_vector is not null");
    assertThat(rows).isEqualTo(20);
    assertThat(documents).isEqualTo(rows);
    assertThat(search.search(owner, new SearchRequest(SearchQuery.parse(word), 100, null)).items()).hasSize(20)
        .allSatisfy(hit -> assertThat(withWord.indexOf(withWord.stream().filter(c -> c.id().equals(hit.entry().id()))
            .findFirst().orElseThrow()) % 2).isEqualTo(1));
  }

  @Test
  void titlesOnlyKeepsNoMessageTextAndOffKeepsNothing() throws Exception {
    DataSource pool = pool();
    UserId owner = UserId.random();
    ArchivedConversation titled = Conversations.archived(titled(Conversations.sample(owner, 2), "Kayak plans"),
        Conversations.T0);
    record(new PostgresArchiveCatalog(pool, SCHEMA, new SearchDocuments(SearchMode.TITLES, "simple")), titled);
    PostgresSearch search = new PostgresSearch(pool, SCHEMA, SearchDocuments.DEFAULT);

    assertThat(search.search(owner, new SearchRequest(SearchQuery.parse("kayak"), 10, null)).items()).hasSize(1);
    String someMessageWord = SearchQuery.words(titled.conversation().messages().get(0).content()).get(0);
    assertThat(search.search(owner, new SearchRequest(SearchQuery.parse(someMessageWord), 10, null)).items()).isEmpty();
    assertThat(count(pool, "select count(*) from " + SCHEMA + ".archive_catalog where conversation_id = '" + titled.id()
        + "' and search_text = 'Kayak plans' || chr(10)")).isEqualTo(1);

    ArchivedConversation off = Conversations.archived(Conversations.sample(owner, 2), Conversations.T0);
    record(new PostgresArchiveCatalog(pool, SCHEMA, new SearchDocuments(SearchMode.OFF, "simple")), off);
    assertThat(count(pool, "select count(*) from " + SCHEMA + ".archive_catalog where conversation_id = '" + off.id()
        + "' and search_text is null and search_vector is null")).isEqualTo(1);
  }
}
