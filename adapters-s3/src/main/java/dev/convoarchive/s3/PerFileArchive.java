package dev.convoarchive.s3;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.s3.cas.ObjectStore;
import dev.convoarchive.s3.cas.VersionedObject;
import dev.convoarchive.s3.cas.VersionedObject.Change;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One object per conversation, written once with {@code If-None-Match: *}, plus a per-user index
 * object (see {@link ObjectKeys} for both keys).
 *
 * <p>The conversation object is the truth and the index a cache: the object is written before its
 * entry and deleted before it, so a crash in between leaves an object without an entry (found again
 * by the next store of that id or by {@link #reindex}) or an entry without an object (dropped when
 * that id is deleted or reindexed). A missing or damaged index is rebuilt from a listing.
 */
final class PerFileArchive implements S3Archive {

  private static final int BULK_WRITERS = 8;

  private final ObjectStore store;
  private final ObjectKeys keys;
  private final VersionedObject<ArchiveIndex> index;

  PerFileArchive(ObjectStore store, ObjectKeys keys, VersionedObject<ArchiveIndex> index) {
    this.store = store;
    this.keys = keys;
    this.index = index;
  }

  private String objectKey(UserId owner, ConversationId id) {
    return keys.conversation(owner, id);
  }

  private String indexKey(UserId owner) {
    return keys.index(owner);
  }

  @Override
  public StoreResult store(ArchivedConversation conversation) {
    UserId owner = conversation.owner();
    String key = objectKey(owner, conversation.id());
    byte[] bytes = ArchiveJson.encode(conversation, store.compression());
    StoreResult result = null;
    // Two rounds cover an object deleted between our failed create and our read of it.
    for (int round = 0; result == null && round < 2; round++) {
      if (store.create(key, bytes).isPresent()) {
        result = new StoreResult(ArchiveEntry.of(conversation, bytes.length), true);
      } else {
        result = store.read(key)
            .map(existing -> new StoreResult(ArchiveEntry.of(decode(key, existing.bytes()), existing.bytes().length), false))
            .orElse(null);
      }
    }
    if (result == null) {
      throw ConflictException.contended(key, 2);
    }
    ArchiveEntry entry = result.entry();
    updateIndexRepairing(owner, idx -> Change.dirtyIf(idx.put(entry), null));
    return result;
  }

  @Override
  public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
    String key = objectKey(owner, id);
    return store.read(key).map(v -> decode(key, v.bytes()));
  }

  @Override
  public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
    return Page.of(currentIndex(owner), request);
  }

  /** The index, rebuilt first when it is damaged, or missing while conversations exist. */
  private List<ArchiveEntry> currentIndex(UserId owner) {
    Optional<ArchiveIndex> current = index.read(indexKey(owner));
    if (current.isPresent() && !current.get().damaged()) {
      return List.copyOf(current.get().entries());
    }
    if (current.isEmpty() && conversationKeys(owner).isEmpty()) {
      return List.of();
    }
    reindex(owner);
    return index.read(indexKey(owner)).map(i -> List.copyOf(i.entries())).orElse(List.of());
  }

  @Override
  public boolean delete(UserId owner, ConversationId id) {
    String key = objectKey(owner, id);
    boolean existed = store.exists(key);
    if (existed) {
      store.delete(key);
    }
    // Also drops an entry whose object was already gone.
    boolean hadEntry = updateIndexRepairing(owner, idx -> {
      boolean removed = idx.remove(id);
      return Change.dirtyIf(removed, removed);
    });
    return existed || hadEntry;
  }

  @Override
  public int deleteAll(UserId owner) {
    List<String> keys = conversationKeys(owner);
    store.deleteAll(keys);
    Set<ConversationId> deleted = keys.stream().map(key -> this.keys.conversationIn(owner, key).orElseThrow())
        .collect(Collectors.toCollection(HashSet::new));
    // Entries of objects stored after our listing stay; entries whose objects were already gone go.
    List<ArchiveEntry> remaining = updateIndexRepairing(owner, idx ->
        Change.dirtyIf(!idx.removeAll(deleted).isEmpty(), List.copyOf(idx.entries())));
    for (ArchiveEntry stale : withoutObjects(owner, remaining)) {
      if (index.update(indexKey(owner), idx -> {
        boolean removed = idx.removeIfUnchanged(stale);
        return Change.dirtyIf(removed, removed);
      })) {
        deleted.add(stale.id());
      }
    }
    return deleted.size();
  }

  @Override
  public Stream<ArchivedConversation> export(UserId owner) {
    // Objects, not index entries: the objects are the truth. Each is fetched as the stream reaches it.
    return conversationKeys(owner).stream()
        .map(key -> store.read(key).map(v -> decode(key, v.bytes())))
        .flatMap(Optional::stream);
  }

  @Override
  public int reindex(UserId owner) {
    Map<ConversationId, ArchiveEntry> rebuilt = new LinkedHashMap<>();
    for (String key : conversationKeys(owner)) {
      store.read(key).ifPresent(v -> {
        ArchivedConversation archived = decode(key, v.bytes());
        rebuilt.put(archived.id(), ArchiveEntry.of(archived, v.bytes().length));
      });
    }
    // Entries the listing did not back may be conversations stored while we listed: keep those
    // whose object exists now, drop the rest.
    List<ArchiveEntry> others = index.read(indexKey(owner)).stream()
        .flatMap(idx -> idx.entries().stream())
        .filter(e -> !rebuilt.containsKey(e.id()))
        .toList();
    Set<ArchiveEntry> stale = new HashSet<>(withoutObjects(owner, others));
    return index.update(indexKey(owner), idx -> {
      List<ArchiveEntry> keep = new ArrayList<>(rebuilt.values());
      for (ArchiveEntry entry : idx.entries()) {
        if (!rebuilt.containsKey(entry.id()) && !stale.contains(entry)) {
          keep.add(entry);
        }
      }
      return idx.replaceAll(keep);
    });
  }

  /**
   * Writes a whole user's archive without coordination: every object in parallel, then the index
   * in one write. Only for a user nobody else writes to meanwhile (see {@code BulkLoad}).
   */
  @Override
  public void load(UserId owner, List<ArchivedConversation> conversations) {
    List<ArchiveEntry> entries = new ArrayList<>();
    ExecutorService writers = Executors.newFixedThreadPool(BULK_WRITERS);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (ArchivedConversation conversation : conversations) {
        byte[] bytes = ArchiveJson.encode(conversation, store.compression());
        entries.add(ArchiveEntry.of(conversation, bytes.length));
        writes.add(writers.submit(() -> store.overwrite(objectKey(owner, conversation.id()), bytes)));
      }
      for (Future<?> write : writes) {
        write.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while loading an archive", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
    } finally {
      writers.shutdownNow();
    }
    store.overwrite(indexKey(owner), ArchiveIndex.CODEC.encode(new ArchiveIndex(entries, false), store.compression()));
  }

  /** Runs a change on the owner's index, rebuilding the index from the objects first if it is damaged. */
  private <R> R updateIndexRepairing(UserId owner, Function<ArchiveIndex, Change<R>> change) {
    try {
      return updateIndex(owner, change);
    } catch (DamagedArchiveException damaged) {
      reindex(owner);
      return updateIndex(owner, change);
    }
  }

  private <R> R updateIndex(UserId owner, Function<ArchiveIndex, Change<R>> change) {
    return index.update(indexKey(owner), idx -> {
      if (idx.damaged()) {
        throw new DamagedArchiveException(indexKey(owner), new IllegalStateException("undecodable index"));
      }
      return change.apply(idx);
    });
  }

  private List<ArchiveEntry> withoutObjects(UserId owner, List<ArchiveEntry> entries) {
    return entries.stream().filter(e -> !store.exists(objectKey(owner, e.id()))).toList();
  }

  private List<String> conversationKeys(UserId owner) {
    return store.list(keys.userFolder(owner)).stream()
        .map(S3Object::key)
        .filter(key -> keys.conversationIn(owner, key).isPresent())
        .toList();
  }

  private static ArchivedConversation decode(String key, byte[] bytes) {
    return ArchiveJson.decode(key, bytes, ArchivedConversation.class);
  }
}
