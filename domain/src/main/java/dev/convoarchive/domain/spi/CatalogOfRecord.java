package dev.convoarchive.domain.spi;

import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.UserId;

/**
 * An optional ability of an {@link ArchiveCatalog}: its committed entries decide what is archived
 * (a database table), rather than the objects (an index that only caches them). An object
 * without an entry is then an orphan of an interrupted record or removal, and such a catalog can
 * hold an id while it is absent, so that an orphan is removed without racing a record of the same
 * id. Writes ordered this way need no conditional writes from the store.
 *
 * <p>Its {@link #remove} and {@link #removeAll} drop the entries first (the removal is decided
 * and final from then on), then erase the objects while holding their ids absent; an erase that
 * fails leaves an orphan and does not undo the removal.
 */
public interface CatalogOfRecord extends ArchiveCatalog {

  /**
   * Runs {@code action} only if no entry for {@code id} is recorded, while no record of that id
   * can start or finish. Returns whether it ran.
   */
  boolean whileAbsent(UserId owner, ConversationId id, Runnable action);
}
