package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.UserId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An optional ability of a {@link ConversationArchive} that keeps a listing apart from the stored
 * conversations (an index or catalog): rebuilding it from the stored conversations, and removing
 * what an interrupted write left behind. The operator's commands and the reindex route use it.
 */
public interface ArchiveMaintenance {

  /**
   * Rebuilds the owner's listing from the stored conversations: entries whose conversation is gone
   * are dropped, conversations missing from the listing come back. Safe to run while the owner's
   * archive changes. Returns how many entries the listing holds afterwards.
   */
  int reindex(UserId owner);

  /** Every owner that has something stored, from a listing of the storage itself. The caller closes the stream. */
  Stream<UserId> owners();

  /**
   * Removes stored conversations that no listing entry names and that are older than
   * {@code olderThan} (left by writes or removals a crash interrupted), never one an entry names.
   * Returns how many were removed; 0 where the stored conversations are themselves the truth.
   */
  int removeOrphans(Duration olderThan);

  /**
   * At most {@code limit} entries of every owner archived before {@code cutoff}, oldest first
   * ({@link OwnedEntry#OLDEST_FIRST}) after {@code after} (null: from the oldest), when an index
   * across owners can answer it (the PostgreSQL index); empty otherwise, and retention then walks
   * each owner's listing.
   */
  default Optional<List<OwnedEntry>> archivedBefore(Instant cutoff, OwnedEntry after, int limit) {
    return Optional.empty();
  }

  /**
   * Erases the entries {@link #archivedBefore} listed whose copy is still the one archived at the
   * listed time (one restored and archived again since is kept), and returns how many it erased.
   * An archive whose index lists them erases them together: their entries in one transaction,
   * their objects with one request per thousand. By default each one goes through
   * {@code eraseOne}, which says whether it erased it.
   */
  default int eraseListed(List<OwnedEntry> listed, Predicate<OwnedEntry> eraseOne) {
    return (int) listed.stream().filter(eraseOne).count();
  }
}
