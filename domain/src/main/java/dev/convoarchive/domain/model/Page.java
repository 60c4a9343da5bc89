package dev.convoarchive.domain.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** One page of a listing; {@code nextCursor} is null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {

  public Page {
    items = List.copyOf(items);
  }

  public boolean hasMore() {
    return nextCursor != null;
  }

  /**
   * Cuts the page {@code request} asks for out of all of a user's entries, in listing order. Every
   * store that holds the whole listing in memory (an index, a single file) pages through this, so
   * they all agree on order and cursors.
   */
  public static Page<ArchiveEntry> of(Collection<ArchiveEntry> all, PageRequest request) {
    List<ArchiveEntry> sorted = new ArrayList<>(all);
    sorted.sort(ArchiveEntry.NEWEST_FIRST);
    List<ArchiveEntry> items = new ArrayList<>(Math.min(request.limit(), sorted.size()));
    boolean more = false;
    for (ArchiveEntry entry : sorted) {
      if (request.after() != null && !request.after().precedes(entry)) {
        continue;
      }
      if (items.size() == request.limit()) {
        more = true;
        break;
      }
      items.add(entry);
    }
    String next = more ? items.get(items.size() - 1).position().encode() : null;
    return new Page<>(items, next);
  }
}
