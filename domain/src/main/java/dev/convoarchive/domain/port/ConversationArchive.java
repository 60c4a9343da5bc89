package dev.convoarchive.domain.port;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Cold storage of archived conversations, partitioned by owner.
 *
 * <p>Rules every implementation keeps (the contract suite {@code ConversationArchiveContract}
 * checks them):
 *
 * <ul>
 *   <li>Every operation sees only the owner it is given; one user can neither read nor change another's.
 *   <li>{@link #store} is idempotent: storing an id that is already archived for that owner changes
 *       nothing and succeeds with {@code created == false} and the existing entry. It may also
 *       finish what an interrupted earlier store left half done (an index entry, say).
 *   <li>A missing conversation is {@link Optional#empty()} from {@link #find}, never an exception.
 *   <li>{@link #list} returns newest {@code archivedAt} first, ties by id, in pages whose cursors
 *       stay valid while other entries come and go: no entry present for the whole walk is skipped
 *       or repeated.
 *   <li>Concurrent calls, from this process or from other machines on the same storage, lose no
 *       update. Failures are {@code ArchiveException}s: {@code ConflictException} when retries on a
 *       contended object ran out, {@code StorageUnavailableException} when storage is down.
 * </ul>
 */
public interface ConversationArchive {

  /** Stores a conversation; a no-op success when its id is already archived for its owner. */
  StoreResult store(ArchivedConversation conversation);

  /**
   * Stores several conversations, each as {@link #store} would, and gives each one's result in
   * their order: a failure stores nothing for its conversation and does not stop the others. A
   * store that can write several at once does so with a bound (sized for a remote store), and
   * records what it wrote in one go; by default they are stored one after another.
   */
  default List<Stored> storeAll(List<ArchivedConversation> conversations) {
    return conversations.stream().map(conversation -> Stored.attempt(() -> store(conversation))).toList();
  }

  /** The archived conversation, or empty when the owner has none with this id. */
  Optional<ArchivedConversation> find(UserId owner, ConversationId id);

  /** One page of the owner's entries in listing order (see the class rules). */
  Page<ArchiveEntry> list(UserId owner, PageRequest request);

  /** Deletes for good; returns whether there was something to delete. */
  boolean delete(UserId owner, ConversationId id);

  /** Deletes every archived conversation of the owner; returns how many there were. */
  int deleteAll(UserId owner);

  /**
   * Every archived conversation of the owner, read lazily so that a large archive does not have to
   * fit in memory. The caller must close the stream.
   */
  Stream<ArchivedConversation> export(UserId owner);

  /**
   * {@code each} applied to every archived conversation of the owner, the non-empty results in
   * any order: a search without an index. A store that can read several objects at once does so,
   * with a bound; by default the conversations are read one after another as {@link #export} reads them.
   */
  default <T> List<T> scan(UserId owner, Function<ArchivedConversation, Optional<T>> each) {
    try (Stream<ArchivedConversation> all = export(owner)) {
      return all.map(each).flatMap(Optional::stream).toList();
    }
  }
}
