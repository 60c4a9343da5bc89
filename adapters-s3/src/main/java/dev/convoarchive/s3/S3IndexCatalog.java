package dev.convoarchive.s3;

import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.s3.cas.VersionedObject.Change;
import dev.convoarchive.s3.cas.VersionedObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The per-file index as one {@code _metadata.json} object per user, changed by compare-and-swap
 * ({@link VersionedObject}). It is a cache: the conversation objects are the truth, so an object is
 * written before its entry and deleted before it, a missing or damaged index is rebuilt from a
 * listing, and an entry whose object is gone is dropped when noticed.
 */
final class S3IndexCatalog implements ArchiveCatalog {

  private final StoredConversations objects;
  private final ObjectKeys keys;
  private final VersionedObject<ArchiveIndex> index;

  S3IndexCatalog(StoredConversations objects, ObjectKeys keys, VersionedObject<ArchiveIndex> index) {
    this.objects = objects;
    this.keys = keys;
    this.index = index;
  }

  private String indexKey(UserId owner) {
    return keys.index(owner);
  }

  @Override
  public StoreResult record(UserId owner, ConversationId id, Supplier<StoreResult> write) {
    StoreResult written = write.get();
    updateRepairing(owner, idx -> Change.dirtyIf(idx.put(written.entry()), null));
    return written;
  }

  @Override
  public boolean remove(UserId owner, ConversationId id, BooleanSupplier erase) {
    boolean erased = erase.getAsBoolean();
    // Also drops an entry whose object was already gone.
    boolean hadEntry = updateRepairing(owner, idx -> {
      boolean removed = idx.remove(id);
      return Change.dirtyIf(removed, removed);
    });
    return erased || hadEntry;
  }

  /**
   * Erases every listed object, then their entries; entries whose objects were already gone go
   * too. It counts the entries it took out of the index, so two racing calls never both count one
   * conversation (an object that no entry named is erased without being counted).
   */
  @Override
  public int removeAll(UserId owner, Consumer<List<ConversationId>> erase) {
    List<ConversationId> listed = objects.ids(owner);
    if (!listed.isEmpty()) {
      erase.accept(listed);
    }
    Set<ConversationId> erased = new HashSet<>(listed);
    // Entries of objects stored after our listing stay.
    Removal removal = updateRepairing(owner, idx -> {
      int removed = idx.removeAll(erased).size();
      return Change.dirtyIf(removed > 0, new Removal(removed, List.copyOf(idx.entries())));
    });
    int count = removal.removed();
    for (ArchiveEntry stale : withoutObjects(owner, removal.remaining())) {
      if (index.update(indexKey(owner), idx -> {
        boolean removed = idx.removeIfUnchanged(stale);
        return Change.dirtyIf(removed, removed);
      })) {
        count++;
      }
    }
    return count;
  }

  private record Removal(int removed, List<ArchiveEntry> remaining) {}

  @Override
  public Optional<ArchiveEntry> find(UserId owner, ConversationId id) {
    return current(owner).stream().filter(e -> e.id().equals(id)).findFirst();
  }

  @Override
  public Page<ArchiveEntry> page(UserId owner, PageRequest request) {
    return Page.of(current(owner), request);
  }

  /**
   * Entries the listing did not back may be conversations stored while it ran: those whose object
   * exists are kept, the rest dropped. The existence checks run before the index is changed, so
   * the compare-and-swap loop holds no slow calls.
   */
  @Override
  public int rebuild(UserId owner, List<ArchiveEntry> stored, Predicate<ConversationId> stillStored) {
    Map<ConversationId, ArchiveEntry> rebuilt = stored.stream()
        .collect(Collectors.toMap(ArchiveEntry::id, e -> e, (a, b) -> b, java.util.LinkedHashMap::new));
    List<ArchiveEntry> others = index.read(indexKey(owner)).stream()
        .flatMap(idx -> idx.entries().stream())
        .filter(e -> !rebuilt.containsKey(e.id()))
        .toList();
    Set<ArchiveEntry> stale = others.stream().filter(e -> !stillStored.test(e.id())).collect(Collectors.toSet());
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

  /** The index, rebuilt first when it is damaged, or missing while conversations exist. */
  private List<ArchiveEntry> current(UserId owner) {
    Optional<ArchiveIndex> current = index.read(indexKey(owner));
    if (current.isPresent() && !current.get().damaged()) {
      return List.copyOf(current.get().entries());
    }
    if (current.isEmpty() && objects.ids(owner).isEmpty()) {
      return List.of();
    }
    rebuildFromObjects(owner);
    return index.read(indexKey(owner)).map(i -> List.copyOf(i.entries())).orElse(List.of());
  }

  private int rebuildFromObjects(UserId owner) {
    return rebuild(owner, objects.entries(owner), id -> objects.exists(owner, id));
  }

  /** Runs a change on the owner's index, rebuilding the index from the objects first if it is damaged. */
  private <R> R updateRepairing(UserId owner, Function<ArchiveIndex, Change<R>> change) {
    try {
      return update(owner, change);
    } catch (DamagedArchiveException damaged) {
      rebuildFromObjects(owner);
      return update(owner, change);
    }
  }

  private <R> R update(UserId owner, Function<ArchiveIndex, Change<R>> change) {
    return index.update(indexKey(owner), idx -> {
      if (idx.damaged()) {
        throw new DamagedArchiveException(indexKey(owner), new IllegalStateException("undecodable index"));
      }
      return change.apply(idx);
    });
  }

  private List<ArchiveEntry> withoutObjects(UserId owner, List<ArchiveEntry> entries) {
    return entries.stream().filter(e -> !objects.exists(owner, e.id())).toList();
  }
}
