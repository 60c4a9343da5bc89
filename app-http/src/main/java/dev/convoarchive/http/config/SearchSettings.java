package dev.convoarchive.http.config;

import dev.convoarchive.domain.search.SearchMode;

/**
 * Search in the archive: how much of a conversation is searched ({@code SEARCH}) and, with the
 * PostgreSQL index, the text-search configuration its documents are built with
 * ({@code SEARCH_CONFIG}: {@code simple}, which works for every language, or one PostgreSQL
 * ships, such as {@code english}, which stems).
 */
public record SearchSettings(SearchMode mode, String config) {

  public static final String DEFAULT_CONFIG = "simple";
  public static final SearchSettings DEFAULT = new SearchSettings(SearchMode.FULL, DEFAULT_CONFIG);
}
