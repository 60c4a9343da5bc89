package dev.convoarchive.domain.usecase;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Cursor;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.search.SearchCursor;
import dev.convoarchive.domain.search.SearchHit;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchQuery;
import dev.convoarchive.domain.search.SearchRequest;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.domain.search.TextMatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Search without an index: every archived conversation of the owner is read (as the store scans,
 * with its own bounded concurrency) and matched in memory. Its cost grows with the owner's
 * archive: one read of each object per search.
 */
public final class ScanningSearch implements ArchiveSearch {

  private final ConversationArchive archive;
  private final SearchMode mode;

  /** Searching what {@code mode} keeps (titles and text, or titles only). */
  public ScanningSearch(ConversationArchive archive, SearchMode mode) {
    this.archive = archive;
    this.mode = mode;
  }

  /** The listing's entries first (a hit shows the entry as the listing does), then each conversation read and matched. */
  @Override
  public Page<SearchHit> search(UserId owner, SearchRequest request) {
    Map<ConversationId, ArchiveEntry> listed = new HashMap<>();
    Page<ArchiveEntry> page = archive.list(owner, PageRequest.first(PageRequest.MAX_LIMIT));
    page.items().forEach(entry -> listed.put(entry.id(), entry));
    while (page.hasMore()) {
      page = archive.list(owner, new PageRequest(PageRequest.MAX_LIMIT, Cursor.decode(page.nextCursor())));
      page.items().forEach(entry -> listed.put(entry.id(), entry));
    }
    List<SearchHit> hits = new ArrayList<>(archive.scan(owner, conversation -> hit(request.query(), conversation, listed)));
    hits.sort(SearchCursor.BEST_FIRST);
    return page(hits, request);
  }

  private Optional<SearchHit> hit(SearchQuery query, ArchivedConversation archived, Map<ConversationId, ArchiveEntry> listed) {
    ArchiveEntry entry = listed.get(archived.conversation().id());
    if (entry == null) {
      return Optional.empty(); // archived after the listing was read, or erased: not in this search
    }
    return TextMatch.match(query, mode.keep(SearchText.of(archived.conversation())))
        .map(found -> new SearchHit(entry, found.snippet(), found.rank()));
  }

  /** The page {@code request} asks for out of all hits in {@link SearchCursor#BEST_FIRST} order. */
  static Page<SearchHit> page(List<SearchHit> sorted, SearchRequest request) {
    List<SearchHit> items = new ArrayList<>();
    boolean more = false;
    for (SearchHit hit : sorted) {
      if (request.after() != null && !request.after().precedes(hit)) {
        continue;
      }
      if (items.size() == request.limit()) {
        more = true;
        break;
      }
      items.add(hit);
    }
    return new Page<>(items, more ? items.get(items.size() - 1).position(request.query()).encode() : null);
  }
}
