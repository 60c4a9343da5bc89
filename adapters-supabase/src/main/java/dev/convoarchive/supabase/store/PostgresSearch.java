package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.search.SearchCursor;
import dev.convoarchive.domain.search.SearchHit;
import dev.convoarchive.domain.search.SearchQuery;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.domain.search.Snippet;
import dev.convoarchive.supabase.jdbc.Sql;
import dev.convoarchive.supabase.jdbc.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Search with PostgreSQL's full-text search over the search documents the catalog keeps (see
 * {@link SearchDocuments}): the query becomes a {@code tsquery} of PostgreSQL's own parsing of
 * each term ({@code plainto_tsquery} for a word, {@code phraseto_tsquery} for a phrase, {@code !!}
 * for an excluded one), the GIN index finds the matching documents, {@code ts_rank_cd} orders
 * them, and {@code ts_headline} cuts the snippets of the page's hits only.
 */
public final class PostgresSearch implements ArchiveSearch {

  private final DataSource dataSource;
  private final String table;
  private final SearchDocuments documents;

  public PostgresSearch(DataSource dataSource, String schema, SearchDocuments documents) {
    this.dataSource = dataSource;
    this.table = Sql.quote(schema) + ".archive_catalog";
    this.documents = documents;
  }

  @Override
  public Page<SearchHit> search(UserId owner, SearchRequest request) {
    SearchQuery query = request.query();
    String tsquery = tsquery(query);
    String rank = "ts_rank_cd(c.search_vector, q.query)::float8";
    String after = request.after() == null ? "" : " and (" + rank + " < ? or (" + rank + " = ? and (c.archived_at < ?"
        + " or (c.archived_at = ? and c.conversation_id > ?))))";
    String sql = "with q as (select " + tsquery + " as query), page as ("
        + " select c.conversation_id, c.title, c.message_count, c.created_at, c.archived_at, c.size_bytes, " + rank
        + " as rank, c.search_text from " + table + " c, q where c.user_id = ? and c.search_vector @@ q.query" + after
        + " order by rank desc, c.archived_at desc, c.conversation_id limit ?)"
        + " select page.conversation_id, page.title, page.message_count, page.created_at, page.archived_at,"
        + " page.size_bytes, page.rank, ts_headline(?::regconfig, page.search_text, q.query, ?) from page, q"
        + " order by page.rank desc, page.archived_at desc, page.conversation_id";
    return Transactions.onConnection(dataSource, "searching the archive of " + owner, connection -> {
      List<SearchHit> hits = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(sql)) {
        int i = bindQuery(select, 1, query);
        select.setString(i++, owner.toString());
        if (request.after() != null) {
          SearchCursor cursor = request.after();
          select.setDouble(i++, cursor.rank());
          select.setDouble(i++, cursor.rank());
          select.setObject(i++, PostgresArchiveCatalog.utc(cursor.archivedAt()));
          select.setObject(i++, PostgresArchiveCatalog.utc(cursor.archivedAt()));
          select.setString(i++, cursor.id().value());
        }
        select.setInt(i++, request.limit() + 1);
        select.setString(i++, documents.config());
        select.setString(i, HEADLINE);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            hits.add(new SearchHit(PostgresArchiveCatalog.entry(rows), Snippet.marked(rows.getString(8)), rows.getDouble(7)));
          }
        }
      }
      boolean more = hits.size() > request.limit();
      List<SearchHit> items = more ? hits.subList(0, request.limit()) : hits;
      return new Page<>(items, more ? items.get(items.size() - 1).position(query).encode() : null);
    });
  }

  /** ts_headline's options: one fragment of about 12 to 30 words, matches between the snippet's markers. */
  private static final String HEADLINE = "StartSel=" + SearchText.MATCH_START + ", StopSel=" + SearchText.MATCH_END
      + ", MinWords=12, MaxWords=30, ShortWord=2, MaxFragments=1, HighlightAll=false";

  /** The query's tsquery expression, its terms bound as parameters (see {@link #bindQuery}). */
  private static String tsquery(SearchQuery query) {
    List<String> parts = new ArrayList<>();
    query.required().forEach(term -> parts.add(function(term) + "(?::regconfig, ?)"));
    query.excluded().forEach(term -> parts.add("!!" + function(term) + "(?::regconfig, ?)"));
    return "(" + String.join(" && ", parts) + ")";
  }

  private static String function(List<String> term) {
    return term.size() == 1 ? "plainto_tsquery" : "phraseto_tsquery";
  }

  private int bindQuery(PreparedStatement statement, int first, SearchQuery query) throws SQLException {
    int i = first;
    for (List<List<String>> terms : List.of(query.required(), query.excluded())) {
      for (List<String> term : terms) {
        statement.setString(i++, documents.config());
        statement.setString(i++, String.join(" ", term));
      }
    }
    return i;
  }

  /** The rows rebuild-index has yet to write: no document, or one of another configuration (bound to the current one). */
  private static final String UNINDEXED = " where search_vector is null or search_config is distinct from ?";

  /** A conversation whose search document is missing or was built with another configuration. */
  public record Unindexed(UserId owner, ConversationId id, String title) {}

  /** Up to {@code limit} conversations whose search document rebuild-index has yet to write. */
  public List<Unindexed> unindexed(int limit) {
    return Transactions.onConnection(dataSource, "finding conversations to index", connection -> {
      List<Unindexed> found = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("select user_id, conversation_id, title from " + table
          + UNINDEXED + " limit ?")) {
        select.setString(1, documents.config());
        select.setInt(2, limit);
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            found.add(new Unindexed(UserId.parse(rows.getString(1)), ConversationId.of(rows.getString(2)), rows.getString(3)));
          }
        }
      }
      return found;
    });
  }

  /** How many conversations have no search document of the current configuration. */
  public long unindexedCount() {
    return Transactions.onConnection(dataSource, "counting conversations to index", connection -> {
      try (PreparedStatement count = connection.prepareStatement("select count(*) from " + table + UNINDEXED)) {
        count.setString(1, documents.config());
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          return rows.getLong(1);
        }
      }
    });
  }

  /** Writes the search document of a recorded conversation; nothing when it is no longer recorded. */
  public boolean index(UserId owner, ConversationId id, SearchText text) {
    return Transactions.inTransaction(dataSource, "indexing conversation " + id, connection -> index(connection, owner, id, text));
  }

  private boolean index(Connection connection, UserId owner, ConversationId id, SearchText text) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("update " + table + " set " + SearchDocuments.ASSIGNMENTS
        + " where user_id = ? and conversation_id = ?")) {
      int next = documents.bind(update, 1, text);
      update.setString(next, owner.toString());
      update.setString(next + 1, id.value());
      return update.executeUpdate() == 1;
    }
  }
}
