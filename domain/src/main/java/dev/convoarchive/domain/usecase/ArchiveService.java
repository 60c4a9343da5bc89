package dev.convoarchive.domain.usecase;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.NotFoundException.Place;
import dev.convoarchive.domain.error.NotFoundException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.ConversationRef;
import dev.convoarchive.domain.model.Cursor;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.Restored;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.ArchiveSearch;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.search.SearchHit;
import dev.convoarchive.domain.search.SearchMode;
import dev.convoarchive.domain.search.SearchRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What a user can do with their deleted conversations.
 *
 * <p>Moves are ordered so that a crash at any point leaves a conversation live, archived, or both,
 * never neither: the copy at the destination is written before the source is removed. Re-running a
 * move after a crash finishes it. When both copies exist, the one holding every message of the
 * other wins; when neither does, the move stops with a conflict instead of choosing which messages
 * to drop.
 */
public final class ArchiveService {

  /**
   * How often archive and restore start over when the conversation moved between their steps;
   * only a client that keeps moving it back and forth can use them up.
   */
  static final int MAX_ROUNDS = 3;

  private final LiveConversations live;
  private final ConversationArchive archive;
  private final Clock clock;
  private final ArchiveSearch search;

  public ArchiveService(LiveConversations live, ConversationArchive archive, Clock clock) {
    this(live, archive, clock, new ScanningSearch(archive, SearchMode.FULL));
  }

  /** With {@code search} finding archived conversations (an index, or a scan of the store). */
  public ArchiveService(LiveConversations live, ConversationArchive archive, Clock clock, ArchiveSearch search) {
    this.live = Objects.requireNonNull(live, "live");
    this.archive = Objects.requireNonNull(archive, "archive");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.search = Objects.requireNonNull(search, "search");
  }

  /**
   * Read live -> store in the archive -> delete live. {@code created} is false when the
   * conversation was already archived (this call may still have finished a half-done move).
   */
  public StoreResult archive(UserId owner, ConversationId requested) {
    return archiveIf(owner, requested, current -> true);
  }

  /** Thrown by {@link #archiveIf} when the live conversation is no longer due; nothing moved. */
  public static final class NoLongerDue extends RuntimeException {
    NoLongerDue(UserId owner, ConversationId id) {
      super("conversation " + owner + "/" + id + " is no longer due", null, false, false);
    }
  }

  /**
   * As {@link #archive}, for the sweeper: the live conversation moves only if {@code due} still
   * holds for it under its lock (it may have been undeleted, or used again, since it was found
   * due); otherwise it stays live and {@link NoLongerDue} is thrown.
   */
  public StoreResult archiveIf(UserId owner, ConversationId requested, java.util.function.Predicate<Conversation> due) {
    ConversationId id = live.canonical(requested);
    for (int attempt = 1; attempt <= MAX_ROUNDS; attempt++) {
      Optional<StoreResult> moved = live.moveOut(owner, id, current -> {
        if (!due.test(current)) {
          throw new NoLongerDue(owner, id);
        }
        return storeLatest(current);
      });
      if (moved.isPresent()) {
        return moved.get();
      }
      // Not live: look in the archive under the conversation's lock, so that a restore cannot
      // move it between the two looks and leave this request answering "not found".
      Optional<Optional<StoreResult>> archived = live.unlessLive(owner, id,
          // Storing again is a no-op for the object and completes anything a crash left unfinished.
          () -> archive.find(owner, id).map(archive::store));
      if (archived.isPresent()) {
        return archived.get().orElseThrow(() -> new NotFoundException(owner.value(), id.value(), Place.ANYWHERE));
      }
      // Live again (a restore ran in between): move it out in the next round.
    }
    throw ContentionException.onConversation("archive " + owner + "/" + id, MAX_ROUNDS);
  }

  /**
   * What became of each conversation of {@link #archiveTogether}: archived; no longer due (left
   * live); failed (left live, with why); or left to {@link #archiveIf}, one at a time ({@code alone}).
   */
  public record Grouped(List<DueConversation> archived, List<DueConversation> noLongerDue,
      Map<DueConversation, RuntimeException> failed, List<DueConversation> alone) {}

  /**
   * As {@link #archiveIf} for several conversations at once, for the sweeper: the live store holds
   * them together, the archive stores them together (writing at once, recording in one go), and
   * the live store deletes the archived ones together. Every guarantee of the single move holds:
   * the store runs while the live copies are held and is idempotent, and only stored ones are
   * deleted. A conversation whose store failed, or that is no longer due under its lock, stays
   * live. Those the live store did not hold together (not live, say: captured by the app's delete),
   * and every one of a group whose move failed as a whole (a delete the app refused, an outage),
   * come back in {@code alone}, where each one's own move tells what became of it.
   */
  public Grouped archiveTogether(List<DueConversation> batch, BiPredicate<DueConversation, Conversation> due) {
    Map<ConversationRef, DueConversation> byRef = new LinkedHashMap<>();
    List<DueConversation> alone = new ArrayList<>();
    for (DueConversation conversation : batch) {
      if (byRef.putIfAbsent(new ConversationRef(conversation.owner(), live.canonical(conversation.id())), conversation) != null) {
        alone.add(conversation); // another spelling of an id already in the group
      }
    }
    // The last word on each conversation handed over (the step may see one twice).
    Map<ConversationRef, Became> outcomes = new LinkedHashMap<>();
    Set<ConversationRef> created = new HashSet<>();
    List<ConversationRef> notHeld;
    try {
      notHeld = live.moveOutTogether(List.copyOf(byRef.keySet()), held -> {
        List<Conversation> stillDue = new ArrayList<>();
        for (Conversation current : held) {
          ConversationRef ref = ConversationRef.of(current);
          if (created.remove(ref)) {
            // Handed over again: it changed after the copy this group made, which goes; it is
            // held now, so what is stored next is what stays or what is deleted.
            archive.delete(ref.owner(), ref.id());
          }
          if (due.test(byRef.get(ref), current)) {
            stillDue.add(current);
          } else {
            outcomes.put(ref, Became.NO_LONGER_DUE);
          }
        }
        Instant now = clock.instant();
        List<Stored> stored = archive.storeAll(stillDue.stream().map(c -> new ArchivedConversation(c, now)).toList());
        Set<ConversationRef> moved = new HashSet<>();
        for (int i = 0; i < stillDue.size(); i++) {
          Conversation current = stillDue.get(i);
          ConversationRef ref = ConversationRef.of(current);
          Stored one = stored.get(i);
          try {
            StoreResult result = one.result().orElseThrow(() -> one.failure().orElseThrow());
            if (result.created()) {
              created.add(ref);
            } else {
              storeLatest(current); // archived before (a move a crash cut short): as the single move does
            }
            moved.add(ref);
            outcomes.put(ref, Became.ARCHIVED);
          } catch (RuntimeException e) {
            outcomes.put(ref, new Became(false, e));
          }
        }
        return moved;
      });
    } catch (RuntimeException groupFailed) {
      // Nothing was deleted. Copies this group created for conversations still live are taken back
      // under their locks, so that each one's own move starts from where it was.
      for (ConversationRef ref : created) {
        try {
          live.whileLive(ref.owner(), ref.id(), current -> archive.delete(ref.owner(), ref.id()));
        } catch (RuntimeException e) {
          // left archived and live: the conversation's own move finds the copy and completes it
        }
      }
      return new Grouped(List.of(), List.of(), Map.of(), List.copyOf(batch));
    }
    notHeld.forEach(ref -> alone.add(byRef.get(ref)));
    List<DueConversation> archived = new ArrayList<>();
    List<DueConversation> noLongerDue = new ArrayList<>();
    Map<DueConversation, RuntimeException> failed = new LinkedHashMap<>();
    outcomes.forEach((ref, became) -> {
      if (became.failure() != null) {
        failed.put(byRef.get(ref), became.failure());
      } else {
        (became.archived() ? archived : noLongerDue).add(byRef.get(ref));
      }
    });
    return new Grouped(archived, noLongerDue, failed, alone);
  }

  /** What became of one conversation of a group: archived, left live as no longer due, or left live by a failure. */
  private record Became(boolean archived, RuntimeException failure) {
    static final Became ARCHIVED = new Became(true, null);
    static final Became NO_LONGER_DUE = new Became(false, null);
  }

  /**
   * Runs while the live copy is held, so the archive is never left as the only, stale copy. The
   * store comes first (it is a no-op when the id is archived already), so the usual case costs
   * no read of the archive.
   */
  private StoreResult storeLatest(Conversation current) {
    StoreResult stored = archive.store(new ArchivedConversation(current, clock.instant()));
    if (stored.created()) {
      return stored;
    }
    Optional<ArchivedConversation> earlier = archive.find(current.owner(), current.id());
    if (earlier.isEmpty()) {
      // Deleted between our store and our read: store again, once.
      return archive.store(new ArchivedConversation(current, clock.instant()));
    }
    Conversation archivedCopy = earlier.get().conversation();
    if (archivedCopy.equals(current)) {
      return stored;
    }
    if (!current.containsAllMessagesOf(archivedCopy)) {
      throw ConflictException.diverged(current.owner().value(), current.id().value());
    }
    // A stale copy from an interrupted earlier move; the live copy holds all of it and stays
    // live until this step returns, so replacing it cannot lose anything.
    archive.delete(current.owner(), current.id());
    return archive.store(new ArchivedConversation(current, clock.instant()));
  }

  /**
   * Read the archive -> insert live -> delete from the archive (while holding the live copy).
   * Returns the restored conversation; if a concurrent archive moved it out again meanwhile, it
   * stays archived.
   */
  public Conversation restore(UserId owner, ConversationId requested) {
    ConversationId id = live.canonical(requested);
    for (int attempt = 1; attempt <= MAX_ROUNDS; attempt++) {
      // Under the conversation's lock: an erase of the archived copy either came first (nothing to
      // insert: not found) or waits until the copy is live, and then refuses (see delete).
      Restored restored = live.restoreUnlessLive(owner, id,
              () -> archive.find(owner, id).map(ArchivedConversation::conversation))
          .orElseThrow(() -> new NotFoundException(owner.value(), id.value(), Place.ARCHIVE));
      // The archived copy goes only while the live copy is held: a concurrent archive of the same
      // conversation may have found that archived copy and be about to move the live one out on the
      // strength of it. If the live copy is already gone, that archive won and its copy must stay.
      Optional<Conversation> settled = live.whileLive(owner, id, current -> {
        if (!restored.inserted()) {
          // Live already: an earlier restore finished or stopped half-way, or an interrupted move
          // left both copies. Keep the live copy only if it holds every archived message.
          Optional<ArchivedConversation> archived = archive.find(owner, id);
          if (archived.isPresent() && !current.containsAllMessagesOf(archived.get().conversation())) {
            throw ConflictException.diverged(owner.value(), id.value());
          }
        }
        archive.delete(owner, id);
        return current;
      });
      if (restored.inserted()) {
        return restored.conversation();
      }
      if (settled.isPresent()) {
        return settled.get();
      }
      // The live copy was moved out between the two steps: restore it from the archive again.
    }
    throw ContentionException.onConversation("restore " + owner + "/" + id, MAX_ROUNDS);
  }

  public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
    return archive.list(owner, request);
  }

  /** The owner's archived conversations whose title or text matches, best first. */
  public Page<SearchHit> search(UserId owner, SearchRequest request) {
    return search.search(owner, request);
  }

  /**
   * Deletes one archived conversation for good; absent is {@link NotFoundException}. Runs under
   * the conversation's lock and refuses while it is live: a restore racing this erase then either
   * finished first (and this is refused) or finds nothing to restore, so a conversation reported
   * erased stays erased.
   */
  public void delete(UserId owner, ConversationId requested) {
    ConversationId id = live.canonical(requested);
    Optional<Boolean> erased = live.unlessLive(owner, id, () -> archive.delete(owner, id));
    if (erased.isEmpty()) {
      // Live: refused either way. Still archived too means a restore is under way or stopped
      // half-way; otherwise it simply is not in the archive (any more).
      if (archive.find(owner, id).isPresent()) {
        throw ConflictException.liveAgain(owner.value(), id.value());
      }
      throw new NotFoundException(owner.value(), id.value(), Place.ARCHIVE);
    }
    if (!erased.get()) {
      throw new NotFoundException(owner.value(), id.value(), Place.ARCHIVE);
    }
  }

  /**
   * Erases one archived conversation if it is still the copy archived at {@code archivedAt}
   * (retention): one restored and archived again since is a new copy, not this one. Returns
   * whether it was erased.
   */
  public boolean deleteIfArchivedAt(UserId owner, ConversationId id, Instant archivedAt) {
    Optional<Boolean> erased = live.unlessLive(owner, id, () -> archive.find(owner, id)
        .filter(copy -> copy.archivedAt().equals(archivedAt))
        .map(copy -> archive.delete(owner, id)).orElse(false));
    return erased.orElse(false);
  }

  /** Erases the owner's whole archive; returns how many conversations it held. */
  public int deleteAll(UserId owner) {
    return archive.deleteAll(owner);
  }

  /**
   * Rebuilds the owner's listing from the stored conversations; returns the entry count. An
   * archive without a separate listing has nothing to rebuild and answers its current count.
   */
  public int reindex(UserId owner) {
    if (archive instanceof ArchiveMaintenance maintenance) {
      return maintenance.reindex(owner);
    }
    int count = 0;
    for (Page<ArchiveEntry> page = archive.list(owner, PageRequest.first(PageRequest.MAX_LIMIT)); ;
        page = archive.list(owner, new PageRequest(PageRequest.MAX_LIMIT, Cursor.decode(page.nextCursor())))) {
      count += page.items().size();
      if (!page.hasMore()) {
        return count;
      }
    }
  }
}
