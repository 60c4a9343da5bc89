package dev.convoarchive.supabase.store;

import dev.convoarchive.domain.error.InvalidInputException;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.supabase.jdbc.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * How the catalog keeps search documents: which part of a conversation ({@link SearchMode}) and
 * PostgreSQL's text-search configuration (SEARCH_CONFIG, default {@code simple}, which keeps
 * every word of every language as written; {@code english} and the others stem). The title
 * weighs more than the messages ({@code A} against {@code B}).
 */
public record SearchDocuments(SearchMode mode, String config) {

  public static final String DEFAULT_CONFIG = "simple";
  public static final SearchDocuments DEFAULT = new SearchDocuments(SearchMode.FULL, DEFAULT_CONFIG);

  /** The columns that hold a conversation's search document, set with {@link #bind} (never with SEARCH=off). */
  static final String ASSIGNMENTS = "search_text = ?, search_config = ?, search_vector = "
      + "setweight(to_tsvector(?::regconfig, ?), 'A') || setweight(to_tsvector(?::regconfig, ?), 'B')";

  /** Binds {@link #ASSIGNMENTS} from {@code first}; returns the next parameter index. */
  int bind(PreparedStatement statement, int first, SearchText text) throws SQLException {
    SearchText kept = mode.keep(text);
    statement.setString(first, kept.title() + "\n" + kept.body());
    statement.setString(first + 1, config);
    statement.setString(first + 2, config);
    statement.setString(first + 3, kept.title());
    statement.setString(first + 4, config);
    statement.setString(first + 5, kept.body());
    return first + 6;
  }

  /**
   * Refuses a configuration the database does not have, before anything is built with it: a
   * typo in SEARCH_CONFIG would otherwise fail every archive.
   */
  public static void check(DataSource dataSource, SearchDocuments documents) {
    if (documents.mode == SearchMode.OFF) {
      return;
    }
    boolean known = Transactions.onConnection(dataSource, "checking SEARCH_CONFIG", connection -> {
      String[] parts = documents.config.split("\\.", 2);
      try (PreparedStatement select = connection.prepareStatement("select exists (select 1 from pg_ts_config c"
          + " join pg_namespace n on n.oid = c.cfgnamespace where c.cfgname = ?"
          + " and (n.nspname = ? or (?::text is null and pg_ts_config_is_visible(c.oid))))")) {
        String schema = parts.length == 2 ? parts[0] : null;
        select.setString(1, parts[parts.length - 1]);
        select.setString(2, schema);
        select.setString(3, schema);
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return row.getBoolean(1);
        }
      }
    });
    if (!known) {
      throw new InvalidInputException("SEARCH_CONFIG", "names no text-search configuration of this database ("
          + InvalidInputException.quote(documents.config) + "); select cfgname from pg_ts_config lists them, simple works for "
          + "every language");
    }
  }

  /** True when conversations get a search document. */
  boolean kept() {
    return mode != SearchMode.OFF;
  }
}
