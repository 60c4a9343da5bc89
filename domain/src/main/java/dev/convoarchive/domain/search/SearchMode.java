package dev.convoarchive.domain.search;

import dev.convoarchive.domain.model.EnumNames;
import java.util.Locale;

/** How much of a conversation search may keep and look at (the SEARCH setting). */
public enum SearchMode {
  /** Titles and message text (the default). */
  FULL,
  /** Titles only: no message text is kept in the database for search. */
  TITLES,
  /** No search: nothing is kept for it, and a search is refused. */
  OFF;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SearchMode parse(String text) {
    return EnumNames.parse(SearchMode.class, SearchMode::configName, "SEARCH", text);
  }

  /** The part of {@code text} this mode keeps. */
  public SearchText keep(SearchText text) {
    return this == FULL ? text : text.titleOnly();
  }
}
