package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchHit;
import dev.convoarchive.domain.search.SearchRequest;

/**
 * Finds a user's archived conversations by what was said in them. Rules every implementation
 * keeps: only the owner's conversations are found; a conversation no longer archived (restored,
 * erased) is never found; hits come best first ({@code SearchCursor.BEST_FIRST}) in pages whose
 * cursors name their query.
 */
public interface ArchiveSearch {

  /** One page of the conversations of {@code owner} that match the request's query. */
  Page<SearchHit> search(UserId owner, SearchRequest request);
}
