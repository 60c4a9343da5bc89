package dev.convoarchive.domain.testing;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.spi.CatalogOfRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The reference catalog: what the contract means, with nothing in the way. One lock per owner
 * orders every change, as a row lock per conversation does in a database. For domain tests only.
 */
public final class InMemoryArchiveCatalog implements CatalogOfRecord {

  private final Map<UserId, Map<ConversationId, ArchiveEntry>> byOwner = new ConcurrentHashMap<>();

  private Map<ConversationId, ArchiveEntry> of(UserId owner) {
    return byOwner.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
  }

  @Override
  public StoreResult record(UserId owner, ConversationId id, Supplier<StoreResult> write) {
    Map<ConversationId, ArchiveEntry> entries = of(owner);
    synchronized (entries) {
      ArchiveEntry existing = entries.get(id);
      if (existing != null) {
        return new StoreResult(existing, false);
      }
      StoreResult written = write.get();
      entries.put(id, written.entry());
      return written;
    }
  }

  @Override
  public boolean remove(UserId owner, ConversationId id, BooleanSupplier erase) {
    Map<ConversationId, ArchiveEntry> entries = of(owner);
    synchronized (entries) {
      if (entries.remove(id) == null) {
        return false;
      }
      eraseLeavingOrphanOnFailure(() -> erase.getAsBoolean());
      return true;
    }
  }

  @Override
  public int removeAll(UserId owner, Consumer<List<ConversationId>> erase) {
    Map<ConversationId, ArchiveEntry> entries = of(owner);
    synchronized (entries) {
      List<ConversationId> ids = new ArrayList<>(entries.keySet());
      ids.forEach(entries::remove);
      if (!ids.isEmpty()) {
        eraseLeavingOrphanOnFailure(() -> erase.accept(ids));
      }
      return ids.size();
    }
  }

  /** The removal is decided; an object the erase could not delete is an orphan for the maintenance pass. */
  private static void eraseLeavingOrphanOnFailure(Runnable erase) {
    try {
      erase.run();
    } catch (RuntimeException leftAsOrphan) {
      // what removeOrphans is for
    }
  }

  @Override
  public Optional<ArchiveEntry> find(UserId owner, ConversationId id) {
    return Optional.ofNullable(of(owner).get(id));
  }

  @Override
  public Page<ArchiveEntry> page(UserId owner, PageRequest request) {
    return Page.of(List.copyOf(of(owner).values()), request);
  }

  @Override
  public int rebuild(UserId owner, List<ArchiveEntry> stored, Predicate<ConversationId> stillStored) {
    Map<ConversationId, ArchiveEntry> entries = of(owner);
    synchronized (entries) {
      Map<ConversationId, ArchiveEntry> found = new ConcurrentHashMap<>();
      stored.forEach(e -> found.put(e.id(), e));
      entries.keySet().removeIf(id -> !found.containsKey(id) && !stillStored.test(id));
      entries.putAll(found);
      return entries.size();
    }
  }

  @Override
  public boolean whileAbsent(UserId owner, ConversationId id, Runnable action) {
    Map<ConversationId, ArchiveEntry> entries = of(owner);
    synchronized (entries) {
      if (entries.containsKey(id)) {
        return false;
      }
      action.run();
      return true;
    }
  }
}
