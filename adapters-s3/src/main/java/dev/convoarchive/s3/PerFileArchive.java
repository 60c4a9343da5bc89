package dev.convoarchive.s3;

import dev.convoarchive.domain.error.ConflictException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One object per conversation, {@code {prefix}/{userId}/{conversationId}.json}, written once with
 * {@code If-None-Match: *}, plus a per-user index {@code {prefix}/{userId}/_metadata.json} (the
 * leading {@code _} means no conversation id can name it).
 *
 * <p>The conversation object is the truth and the index a cache: the object is written before its
 * entry and deleted before it, so a crash in between leaves an object without an entry (found again
 * by the next store of that id or by {@link #reindex}) or an entry without an object (dropped when
 * that id is deleted or reindexed). A missing or damaged index is rebuilt from a listing.
 */
final class PerFileArchive implements S3Archive {

  static final String INDEX_NAME = "_metadata.json";
  private static final String SUFFIX = ".json";

  private final ObjectStore store;
  private final String prefix;
  private final VersionedObject<ArchiveIndex> index;

  PerFileArchive(ObjectStore store, String prefix, VersionedObject<ArchiveIndex> index) {
    this.store = store;
    this.prefix = prefix;
    this.index = index;
  }

  String userPrefix(UserId owner) {
    return prefix + "/" + owner + "/";
  }

  String objectKey(UserId owner, ConversationId id) {
    return userPrefix(owner) + id.value() + SUFFIX;
  }

  String indexKey(UserId owner) {
    return userPrefix(owner) + INDEX_NAME;
  }

  @Override
  public ArchiveLayout layout() {
    return ArchiveLayout.PER_FILE;
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
    updateIndexRepairing(owner, idx -> idx.put(entry));
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
    boolean hadEntry = updateIndexRepairing(owner, idx -> idx.remove(id));
    return existed || hadEntry;
  }

  @Override
  public int deleteAll(UserId owner) {
    List<String> keys = conversationKeys(owner);
    store.deleteAll(keys);
    Set<ConversationId> deleted = keys.stream().map(this::idOf).collect(Collectors.toCollection(HashSet::new));
    // Entries of objects stored after our listing stay; entries whose objects were already gone go.
    List<ArchiveEntry> remaining = updateIndexRepairing(owner, idx -> {
      idx.removeAll(deleted);
      return List.copyOf(idx.entries());
    });
    for (ArchiveEntry stale : withoutObjects(owner, remaining)) {
      if (index.update(indexKey(owner), idx -> idx.removeIfUnchanged(stale))) {
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

  /** Runs a change on the owner's index, rebuilding the index from the objects first if it is damaged. */
  private <R> R updateIndexRepairing(UserId owner, Function<ArchiveIndex, R> change) {
    try {
      return updateIndex(owner, change);
    } catch (DamagedObjectException damaged) {
      reindex(owner);
      return updateIndex(owner, change);
    }
  }

  private <R> R updateIndex(UserId owner, Function<ArchiveIndex, R> change) {
    return index.update(indexKey(owner), idx -> {
      if (idx.damaged()) {
        throw new DamagedObjectException(indexKey(owner), new IllegalStateException("undecodable index"));
      }
      return change.apply(idx);
    });
  }

  private List<ArchiveEntry> withoutObjects(UserId owner, List<ArchiveEntry> entries) {
    return entries.stream().filter(e -> !store.exists(objectKey(owner, e.id()))).toList();
  }

  private List<String> conversationKeys(UserId owner) {
    String userPrefix = userPrefix(owner);
    return store.list(userPrefix).stream()
        .map(S3Object::key)
        .filter(key -> key.endsWith(SUFFIX) && !key.equals(userPrefix + INDEX_NAME)
            && key.indexOf('/', userPrefix.length()) < 0)
        .toList();
  }

  private ConversationId idOf(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    return ConversationId.of(name.substring(0, name.length() - SUFFIX.length()));
  }

  static ArchivedConversation decode(String key, byte[] bytes) {
    try (InputStream in = ArchiveJson.plain(new ByteArrayInputStream(bytes))) {
      return ArchiveJson.MAPPER.readValue(in, ArchivedConversation.class);
    } catch (IOException | RuntimeException e) {
      throw new DamagedObjectException(key, e instanceof IOException io ? new UncheckedIOException(io) : e);
    }
  }
}
