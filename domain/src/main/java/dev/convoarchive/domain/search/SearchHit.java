package dev.convoarchive.domain.search;

import dev.convoarchive.domain.model.ArchiveEntry;

/** One archived conversation a search found: its entry, where it matched, and how well (higher first). */
public record SearchHit(ArchiveEntry entry, Snippet snippet, double rank) {

  /** Where this hit sits in the order of {@code query}'s results, as a cursor pointing just after it. */
  public SearchCursor position(SearchQuery query) {
    return new SearchCursor(rank, entry.archivedAt(), entry.id(), query.fingerprint());
  }
}
