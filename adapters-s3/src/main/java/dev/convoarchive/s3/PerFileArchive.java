package dev.convoarchive.s3;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ArchivedDocument;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Cursor;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.StoreResult;
import dev.convoarchive.domain.model.Stored;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.search.SearchText;
import dev.convoarchive.domain.spi.ArchiveCatalog;
import dev.convoarchive.domain.spi.CatalogOfRecord;
import dev.convoarchive.s3.cas.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One object per conversation (see {@link ConversationObjects}) plus a catalog of them: the
 * PostgreSQL table (a {@link CatalogOfRecord}, whose committed rows decide what is archived) or
 * the per-user S3 index (a cache of the objects, which stay the truth). The object is written
 * before its entry and deleted before it, so nothing is ever listed that was never stored.
 */
final class PerFileArchive implements S3Archive {

  private final ConversationObjects objects;
  private final ArchiveCatalog catalog;
  private final ObjectStore store;
  private final Clock clock;

  PerFileArchive(ConversationObjects objects, ArchiveCatalog catalog, ObjectStore store, Clock clock) {
    this.objects = objects;
    this.catalog = catalog;
    this.store = store;
    this.clock = clock;
  }

  private boolean catalogDecides() {
    return catalog instanceof CatalogOfRecord;
  }

  /**
   * A catalog of record holds the id while the object is written, and writes only when no entry
   * exists, so the object is simply put (an orphan at the key is replaced); the S3 index relies on
   * the store's create-only write instead.
   */
  @Override
  public StoreResult store(ArchivedConversation conversation) {
    return catalog.record(conversation.owner(), conversation.id(), SearchText.of(conversation.conversation()),
        () -> catalogDecides() ? objects.put(conversation) : objects.create(conversation));
  }

  /**
   * A catalog of record writes the objects at once and records them all in one transaction; with
   * the S3 index each conversation is stored as {@link #store} stores it, at once.
   */
  @Override
  public List<Stored> storeAll(List<ArchivedConversation> conversations) {
    if (catalogDecides()) {
      return catalog.recordAll(conversations.stream().<ArchiveCatalog.Recording>map(conversation -> new Recording(
          conversation.owner(), conversation.id(), SearchText.of(conversation.conversation()), () -> objects.put(conversation)))
          .toList(), PerFileArchive::atOnce);
    }
    return atOnce(conversations.stream().<Supplier<StoreResult>>map(conversation -> () -> store(conversation)).toList());
  }

  private record Recording(UserId owner, ConversationId id, SearchText text, Supplier<StoreResult> write)
      implements ArchiveCatalog.Recording {}

  /**
   * How many objects this process writes at once for grouped stores: sized for a remote S3, where
   * a write waits out a round trip (20 ms away, 32 at once is some 1,600 writes a second), not for
   * loopback.
   */
  static final int GROUP_WRITERS = 32;

  private static final ExecutorService WRITERS = Executors.newFixedThreadPool(GROUP_WRITERS, task -> {
    Thread thread = new Thread(task, "convo-archive-group-writer");
    thread.setDaemon(true);
    return thread;
  });

  /**
   * How long a group's writes may take together. The live rows stay locked meanwhile, so a write
   * not done by then counts as failed (its conversation stays live and due; an object it still
   * completes is an orphan no entry names) and the group commits the rest.
   */
  static final Duration GROUP_WRITE_TIME = Duration.ofSeconds(10);

  private static List<Stored> atOnce(List<Supplier<StoreResult>> writes) {
    return atOnce(writes, GROUP_WRITE_TIME);
  }

  /**
   * Runs {@code writes} at once, at most {@link #GROUP_WRITERS} across the process, each one's
   * failure its result, and one not done within {@code allowed} a failure too.
   */
  static List<Stored> atOnce(List<Supplier<StoreResult>> writes, Duration allowed) {
    List<Future<Stored>> running = writes.stream().map(write -> WRITERS.submit(() -> Stored.attempt(write))).toList();
    long deadline = System.nanoTime() + allowed.toNanos();
    List<Stored> results = new ArrayList<>();
    for (Future<Stored> result : running) {
      try {
        results.add(result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException late) {
        result.cancel(true);
        results.add(Stored.failed(new StorageUnavailableException("S3", "the object was not written within "
            + allowed.toMillis() + " ms, with the other writes of its group", null)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.forEach(r -> r.cancel(true));
        throw new IllegalStateException("interrupted while storing conversations", e);
      } catch (ExecutionException impossible) {
        throw new IllegalStateException(impossible.getCause());
      }
    }
    return results;
  }

  /**
   * One GET with the S3 index (the object is the truth); with a catalog of record, first the
   * indexed lookup that says whether the conversation is archived at all.
   */
  @Override
  public Optional<ArchivedConversation> find(UserId owner, ConversationId id) {
    if (catalogDecides() && catalog.find(owner, id).isEmpty()) {
      return Optional.empty();
    }
    return objects.read(owner, id);
  }

  /**
   * As {@link #find}, with the object's bytes passed on as stored. A catalog of record is asked
   * while the object is fetched, so its lookup adds no time to a GET that waits on S3 longer; an
   * object it does not list (an orphan) is closed unread and not answered.
   */
  @Override
  public Optional<ArchivedDocument> document(UserId owner, ConversationId id) {
    if (!catalogDecides()) {
      return objects.document(owner, id);
    }
    CompletableFuture<Boolean> listed = CompletableFuture.supplyAsync(() -> catalog.find(owner, id).isPresent(), LOOKUPS);
    Optional<ArchivedDocument> document = objects.document(owner, id);
    boolean archived;
    try {
      archived = listed.join();
    } catch (CompletionException e) {
      document.ifPresent(PerFileArchive::closeQuietly);
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    if (!archived) {
      document.ifPresent(PerFileArchive::closeQuietly);
      return Optional.empty();
    }
    return document;
  }

  /** Threads for catalog lookups run beside an S3 GET; idle ones end after a minute. */
  private static final ExecutorService LOOKUPS = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "convo-archive-catalog-lookup");
    thread.setDaemon(true);
    return thread;
  });

  private static void closeQuietly(ArchivedDocument document) {
    try {
      document.close();
    } catch (IOException | RuntimeException e) {
      // nothing was sent from it; the connection is dropped with it
    }
  }

  @Override
  public Stream<ArchivedDocument> documents(UserId owner) {
    return ids(owner).map(id -> objects.document(owner, id)).flatMap(Optional::stream);
  }

  @Override
  public Page<ArchiveEntry> list(UserId owner, PageRequest request) {
    return catalog.page(owner, request);
  }

  /** A catalog of record decides by its entry whether there was something to delete, so the object is erased in one request. */
  @Override
  public boolean delete(UserId owner, ConversationId id) {
    if (catalogDecides()) {
      return catalog.remove(owner, id, () -> {
        objects.erase(owner, id);
        return true;
      });
    }
    return catalog.remove(owner, id, () -> objects.delete(owner, id));
  }

  /**
   * Erases every entry and its object. With a catalog of record, objects no entry names (orphans
   * of interrupted writes) are erased too, whatever their age: an erased archive leaves no copy.
   */
  @Override
  public int deleteAll(UserId owner) {
    int deleted = catalog.removeAll(owner, ids -> objects.deleteAll(owner, ids));
    if (catalogDecides()) {
      removeOrphansOf(owner, Instant.MAX);
    }
    return deleted;
  }

  /** Conversations are fetched as the stream reaches them, so an archive of any size streams. */
  @Override
  public Stream<ArchivedConversation> export(UserId owner) {
    return ids(owner).map(id -> objects.read(owner, id)).flatMap(Optional::stream);
  }

  /** How many objects a search without an index reads at once: sized for S3 tens of milliseconds away. */
  static final int SCAN_CONCURRENCY = 16;

  /**
   * Reads the owner's objects {@value #SCAN_CONCURRENCY} at a time and keeps only what {@code
   * each} makes of them, so a large archive is never held whole.
   */
  @Override
  public <T> List<T> scan(UserId owner, Function<ArchivedConversation, Optional<T>> each) {
    List<ConversationId> all;
    try (Stream<ConversationId> listed = ids(owner)) {
      all = listed.toList();
    }
    if (all.isEmpty()) {
      return List.of();
    }
    ExecutorService readers = Executors.newFixedThreadPool(Math.min(SCAN_CONCURRENCY, all.size()), task -> {
      Thread thread = new Thread(task, "convo-archive-scan");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Optional<T>>> reads = all.stream()
          .map(id -> readers.submit(() -> objects.read(owner, id).flatMap(each))).toList();
      List<T> results = new ArrayList<>();
      for (Future<Optional<T>> read : reads) {
        read.get().ifPresent(results::add);
      }
      return results;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scanning the archive of " + owner, e);
    } finally {
      readers.shutdownNow();
    }
  }

  private Stream<ConversationId> ids(UserId owner) {
    return catalogDecides() ? catalogIds(owner) : objects.ids(owner).stream();
  }

  /** Every id the catalog lists, a page at a time. */
  private Stream<ConversationId> catalogIds(UserId owner) {
    Spliterator<ConversationId> pages = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
      Page<ArchiveEntry> page = catalog.page(owner, PageRequest.first(PageRequest.MAX_LIMIT));
      int next;

      @Override
      public boolean tryAdvance(Consumer<? super ConversationId> action) {
        if (next == page.items().size()) {
          if (!page.hasMore()) {
            return false;
          }
          page = catalog.page(owner, new PageRequest(PageRequest.MAX_LIMIT, Cursor.decode(page.nextCursor())));
          next = 0;
          if (page.items().isEmpty()) {
            return false;
          }
        }
        action.accept(page.items().get(next++).id());
        return true;
      }
    };
    return StreamSupport.stream(pages, false);
  }

  @Override
  public int reindex(UserId owner) {
    return catalog.rebuild(owner, objects.entries(owner), id -> objects.exists(owner, id));
  }

  @Override
  public Stream<UserId> owners() {
    return store.listChildren(objects.keys().root()).stream()
        .filter(child -> child.endsWith("/"))
        .map(folder -> objects.keys().ownerOf(folder))
        .flatMap(Optional::stream);
  }

  /** The catalog's answer where it decides what is archived (the PostgreSQL index); none from the S3 index. */
  @Override
  public Optional<List<OwnedEntry>> archivedBefore(Instant cutoff, OwnedEntry after, int limit) {
    return catalogDecides() ? catalog.archivedBefore(cutoff, after, limit) : Optional.empty();
  }

  /** With a catalog of record: the entries dropped in one transaction, the objects with one request per thousand. */
  @Override
  public int eraseListed(List<OwnedEntry> listed, Predicate<OwnedEntry> eraseOne) {
    if (!catalogDecides()) {
      return S3Archive.super.eraseListed(listed, eraseOne);
    }
    return catalog.removeListed(listed, removed -> store.deleteAll(removed.stream()
        .map(expired -> objects.keys().conversation(expired.owner(), expired.entry().id())).toList()));
  }

  @Override
  public int removeOrphans(Duration olderThan) {
    if (!catalogDecides()) {
      return 0; // with the S3 index the objects are the truth: there are no orphans
    }
    Instant before = clock.instant().minus(olderThan);
    try (Stream<UserId> owners = owners()) {
      return owners.mapToInt(owner -> removeOrphansOf(owner, before)).sum();
    }
  }

  /** Removes the owner's objects last written before {@code before} that no entry names. */
  private int removeOrphansOf(UserId owner, Instant before) {
    CatalogOfRecord ofRecord = (CatalogOfRecord) catalog;
    int removed = 0;
    for (S3Object object : objects.list(owner)) {
      ConversationId id = objects.keys().conversationIn(owner, object.key()).orElseThrow();
      if (object.lastModified() != null && !object.lastModified().isBefore(before)) {
        continue;
      }
      // Held while absent, so a record of the same id cannot be writing this very object.
      if (ofRecord.whileAbsent(owner, id, () -> objects.delete(owner, id))) {
        removed++;
      }
    }
    return removed;
  }

  /** Writes a new owner's objects in one go, then all their entries (see {@code BulkLoad}). */
  @Override
  public void load(UserId owner, List<ArchivedConversation> conversations) {
    List<ArchiveEntry> entries = objects.writeAll(owner, conversations);
    catalog.rebuild(owner, entries, id -> true);
  }
}
