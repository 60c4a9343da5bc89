package dev.convoarchive.domain.search;

import dev.convoarchive.domain.model.PageRequest;

/** One page of a search: its query, at most {@code limit} hits after {@code after} (null = from the best). */
public record SearchRequest(SearchQuery query, int limit, SearchCursor after) {

  public SearchRequest {
    new PageRequest(limit, null); // the same bounds as a listing page
  }

  /** Builds a request from query-string text, as {@link PageRequest#parse} does for a listing. */
  public static SearchRequest parse(String q, String limit, String cursor) {
    SearchQuery query = SearchQuery.parse(q);
    PageRequest page = PageRequest.parse(limit, null);
    return new SearchRequest(query, page.limit(), cursor == null ? null : SearchCursor.decode(cursor, query));
  }
}
