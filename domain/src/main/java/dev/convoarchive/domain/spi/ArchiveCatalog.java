package dev.convoarchive.domain.spi;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchText;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The per-file layout's catalog: which conversations of a user are archived, with the entries a
 * listing shows. The conversations themselves are objects the layout writes; the catalog runs
 * those writes through callbacks so that it can order them against its own records.
 *
 * <p>Rules every implementation keeps (the contract suite {@code ArchiveCatalogContract} checks
 * them):
 *
 * <ul>
 *   <li>Every operation sees only the owner it is given.
 *   <li>{@link #record} runs {@code write} before the entry becomes visible; if {@code write}
 *       throws, nothing is recorded and the exception propagates.
 *   <li>{@link #remove} and {@link #removeAll} run {@code erase} (which deletes objects). A cache
 *       erases before its entries disappear, so a crash between leaves an entry that is dropped
 *       when noticed. A catalog of record ({@link CatalogOfRecord}) drops its entries first and
 *       then erases while holding the ids absent, so a crash or a failed erase leaves an object no
 *       entry names (an orphan, for its maintenance pass), never an entry without its object.
 *   <li>{@link #page} returns newest {@code archivedAt} first, ties by id, with cursors that stay
 *       valid while entries come and go.
 *   <li>Concurrent calls from this process or other machines lose no update.
 * </ul>
 *
 * An implementation that is only a cache of the objects (the S3 index) lets the objects decide
 * what is archived; one that also implements {@link CatalogOfRecord} decides it itself.
 */
public interface ArchiveCatalog {

  /**
   * Records the conversation {@code id} of {@code owner}. {@code write} stores its object and
   * returns what it did (created, or found an object already there, with that object's entry).
   * A catalog of record that already holds the id returns its entry with {@code created ==
   * false} without running {@code write}; a cache runs it and records its result.
   */
  StoreResult record(UserId owner, ConversationId id, Supplier<StoreResult> write);

  /**
   * As {@link #record(UserId, ConversationId, Supplier)}; a catalog with a search index also keeps
   * {@code text} as the entry's search document, in the same transaction as the entry, so that
   * the two come and go together.
   */
  default StoreResult record(UserId owner, ConversationId id, SearchText text, Supplier<StoreResult> write) {
    return record(owner, id, write);
  }

  /** One conversation for {@link #recordAll}: whose, which, its search text (or null), and the write of its object. */
  interface Recording {
    UserId owner();

    ConversationId id();

    SearchText text();

    Supplier<StoreResult> write();
  }

  /**
   * Records several conversations, each as {@link #record} would, and gives each one's result in
   * their order. The writes to run are handed to {@code writeAll} together (the layout runs them
   * at once, with a bound), which gives each one's result in their order; a failed write records
   * nothing for its conversation. A catalog of record commits the entries of all the others in
   * one transaction. By default each conversation is recorded alone, one after another.
   */
  default List<Stored> recordAll(List<Recording> recordings, Function<List<Supplier<StoreResult>>, List<Stored>> writeAll) {
    return recordings.stream()
        .map(r -> Stored.attempt(() -> record(r.owner(), r.id(), r.text(), () -> single(writeAll.apply(List.of(r.write()))))))
        .toList();
  }

  private static StoreResult single(List<Stored> written) {
    Stored stored = written.get(0);
    if (stored.failure().isPresent()) {
      throw stored.failure().get();
    }
    return stored.result().orElseThrow();
  }

  /**
   * At most {@code limit} entries of every owner archived before {@code cutoff}, in {@link
   * OwnedEntry#OLDEST_FIRST} order after {@code after} (null: from the oldest), found by an index
   * across all owners; empty when this catalog has none (retention then walks each owner's listing).
   */
  default Optional<List<OwnedEntry>> archivedBefore(Instant cutoff, OwnedEntry after, int limit) {
    return Optional.empty();
  }

  /**
   * Removes the listed entries that are still recorded at their listed archive time (an entry
   * recorded again since is kept), as {@link #remove} removes one, and runs {@code erase} with the
   * removed ones (to delete their objects). Returns how many it removed. A catalog of record drops
   * them all in one transaction, then erases while holding their ids absent. By default they are
   * looked up and removed one after another.
   */
  default int removeListed(List<OwnedEntry> listed, Consumer<List<OwnedEntry>> erase) {
    int removed = 0;
    for (OwnedEntry expired : listed) {
      UserId owner = expired.owner();
      ConversationId id = expired.entry().id();
      boolean same = find(owner, id).filter(entry -> entry.archivedAt().equals(expired.entry().archivedAt())).isPresent();
      if (same && remove(owner, id, () -> {
        erase.accept(List.of(expired));
        return true;
      })) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Removes the entry for {@code id} and runs {@code erase}, which deletes the object and says
   * whether there was one (see the class rules for the order). Returns whether anything was
   * removed.
   */
  boolean remove(UserId owner, ConversationId id, BooleanSupplier erase);

  /**
   * Removes every entry of {@code owner} recorded when the call starts, handing their ids to
   * {@code erase} in batches. Returns how many entries this call removed; two racing calls never
   * both count one entry.
   */
  int removeAll(UserId owner, Consumer<List<ConversationId>> erase);

  /** The entry for {@code id}, or empty when none is recorded. */
  Optional<ArchiveEntry> find(UserId owner, ConversationId id);

  /** One page of the owner's entries in listing order. */
  Page<ArchiveEntry> page(UserId owner, PageRequest request);

  /**
   * Rebuilds the owner's entries from what is stored ({@code stored}, one entry per object found
   * by a listing): entries for stored objects are recorded, entries the listing did not find are
   * kept if {@code stillStored} says their object exists now (stored meanwhile) and dropped
   * otherwise. Returns how many entries the owner has afterwards.
   */
  int rebuild(UserId owner, List<ArchiveEntry> stored, Predicate<ConversationId> stillStored);
}
