package dev.convoarchive.domain.contract;

import static dev.convoarchive.domain.testing.Conversations.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.convoarchive.domain.model.ArchiveEntry;
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
import dev.convoarchive.domain.testing.Concurrently;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every {@link ArchiveCatalog} must do. An implementation's test extends this class and
 * supplies {@link #createCatalog}, given the object store its writes and erasures go to (here a
 * map of object keys standing in for the bucket, with S3's create-only semantics); each test uses
 * fresh random users. A case an implementation cannot support is skipped through
 * {@link #unsupported} with a stated reason.
 */
public abstract class ArchiveCatalogContract {

  /** The objects the catalog's callbacks write, by "owner/id": a stand-in bucket. */
  protected final Map<String, ArchiveEntry> objects = new ConcurrentHashMap<>();
  protected ArchiveCatalog catalog;

  /**
   * A ready catalog. {@code objects} is the stand-in bucket; an implementation that reads the
   * bucket itself (a cache of it) must read this map.
   */
  protected abstract ArchiveCatalog createCatalog(Map<String, ArchiveEntry> objects);

  /** Why the named test cannot run against this implementation, or null when it can. */
  protected String unsupported(String testName) {
    return null;
  }

  protected void closeCatalog() {}

  @BeforeEach
  void setUpCatalog(TestInfo info) {
    String method = info.getTestMethod().orElseThrow().getName();
    String reason = unsupported(method);
    assumeTrue(reason == null, () -> getClass().getSimpleName() + " skips " + method + ": " + reason);
    catalog = createCatalog(objects);
  }

  @AfterEach
  void tearDownCatalog() {
    if (catalog != null) {
      closeCatalog();
    }
  }

  private final UserId alice = UserId.random();
  private final UserId bob = UserId.random();

  protected static ConversationId newId() {
    return ConversationId.of(UUID.randomUUID().toString());
  }

  public static String objectKey(UserId owner, ConversationId id) {
    return owner + "/" + id.value();
  }

  protected static ArchiveEntry entry(ConversationId id, int second) {
    return new ArchiveEntry(id, "title " + id.value(), 2, T0, T0.plusSeconds(second), 100 + second);
  }

  /** Writes the object if absent, as a create-only PUT does, and says what it did. */
  protected Supplier<StoreResult> write(UserId owner, ArchiveEntry entry) {
    return () -> {
      ArchiveEntry existing = objects.putIfAbsent(objectKey(owner, entry.id()), entry);
      return existing == null ? new StoreResult(entry, true) : new StoreResult(existing, false);
    };
  }

  private StoreResult record(UserId owner, ArchiveEntry entry) {
    return catalog.record(owner, entry.id(), write(owner, entry));
  }

  private boolean remove(UserId owner, ConversationId id) {
    return catalog.remove(owner, id, () -> objects.remove(objectKey(owner, id)) != null);
  }

  private List<ArchiveEntry> all(UserId owner) {
    List<ArchiveEntry> all = new ArrayList<>();
    Page<ArchiveEntry> page = catalog.page(owner, PageRequest.first(7));
    all.addAll(page.items());
    while (page.hasMore()) {
      page = catalog.page(owner, new PageRequest(7, Cursor.decode(page.nextCursor())));
      all.addAll(page.items());
    }
    return all;
  }

  private record Recording(UserId owner, ConversationId id, SearchText text, Supplier<StoreResult> write)
      implements ArchiveCatalog.Recording {}

  /** Runs the writes one after another, each one's failure its result: the layout's part of {@link ArchiveCatalog#recordAll}. */
  private static List<Stored> inTurn(List<Supplier<StoreResult>> writes) {
    return writes.stream().map(Stored::attempt).toList();
  }

  @Test
  void recordAllRecordsEachAndAnswersEachInOrder() {
    ArchiveEntry recorded = entry(newId(), 1);
    record(alice, recorded);
    ArchiveEntry first = entry(newId(), 2);
    ArchiveEntry bobs = entry(newId(), 3);
    List<Supplier<StoreResult>> handed = new ArrayList<>();

    List<Stored> results = catalog.recordAll(List.of(
        new Recording(alice, first.id(), null, write(alice, first)),
        new Recording(alice, recorded.id(), null, write(alice, entry(recorded.id(), 9))),
        new Recording(bob, bobs.id(), null, write(bob, bobs))), writes -> {
          handed.addAll(writes);
          return inTurn(writes);
        });

    assertThat(results).extracting(Stored::result).containsExactly(Optional.of(new StoreResult(first, true)),
        Optional.of(new StoreResult(recorded, false)), Optional.of(new StoreResult(bobs, true)));
    assertThat(all(alice)).containsExactly(first, recorded);
    assertThat(all(bob)).containsExactly(bobs);
    if (catalog instanceof CatalogOfRecord) {
      assertThat(handed).as("a catalog of record does not write what it holds").hasSize(2);
    }
  }

  @Test
  void recordAllRecordsNothingForAFailedWriteAndTheRestAsUsual() {
    ArchiveEntry first = entry(newId(), 1);
    ConversationId broken = newId();
    ArchiveEntry last = entry(newId(), 3);
    IllegalStateException failure = new IllegalStateException("upload broke off");

    List<Stored> results = catalog.recordAll(List.of(
        new Recording(alice, first.id(), null, write(alice, first)),
        new Recording(alice, broken, null, () -> {
          throw failure;
        }),
        new Recording(alice, last.id(), null, write(alice, last))), ArchiveCatalogContract::inTurn);

    assertThat(results.get(0).result()).contains(new StoreResult(first, true));
    assertThat(results.get(1).failure()).contains(failure);
    assertThat(results.get(2).result()).contains(new StoreResult(last, true));
    assertThat(catalog.find(alice, broken)).isEmpty();
    assertThat(all(alice)).containsExactly(last, first);
    assertThat(record(alice, entry(broken, 2))).as("the failed one can be recorded afterwards").extracting(StoreResult::created)
        .isEqualTo(true);
  }

  @Test
  void removeListedRemovesOnlyEntriesStillAtTheirListedTimeAndErasesThem() {
    ArchiveEntry alices = entry(newId(), 1);
    ArchiveEntry bobs = entry(newId(), 2);
    ArchiveEntry again = entry(newId(), 3);
    record(alice, alices);
    record(bob, bobs);
    record(alice, again);
    OwnedEntry listedAgain = new OwnedEntry(alice, again);
    // Restored and archived again after the listing: a new copy, kept.
    remove(alice, again.id());
    ArchiveEntry newer = new ArchiveEntry(again.id(), again.title(), 2, T0, T0.plusSeconds(30), 7);
    record(alice, newer);
    OwnedEntry gone = new OwnedEntry(alice, entry(newId(), 4));
    List<OwnedEntry> erased = new ArrayList<>();

    int removed = catalog.removeListed(List.of(new OwnedEntry(alice, alices), listedAgain, new OwnedEntry(bob, bobs), gone),
        batch -> batch.forEach(expired -> {
          erased.add(expired);
          objects.remove(objectKey(expired.owner(), expired.entry().id()));
        }));

    assertThat(removed).isEqualTo(2);
    assertThat(erased).containsExactlyInAnyOrder(new OwnedEntry(alice, alices), new OwnedEntry(bob, bobs));
    assertThat(all(alice)).containsExactly(newer);
    assertThat(all(bob)).isEmpty();
    assertThat(objects).containsOnlyKeys(objectKey(alice, again.id()));
  }

  @Test
  void aRecordedConversationIsFoundAndListed() {
    ArchiveEntry entry = entry(newId(), 1);

    StoreResult result = record(alice, entry);

    assertThat(result).isEqualTo(new StoreResult(entry, true));
    assertThat(objects).containsKey(objectKey(alice, entry.id()));
    assertThat(catalog.find(alice, entry.id())).contains(entry);
    assertThat(catalog.page(alice, PageRequest.first(10)).items()).containsExactly(entry);
  }

  @Test
  void recordingAnArchivedIdAgainKeepsTheFirstEntry() {
    ArchiveEntry first = entry(newId(), 1);
    record(alice, first);

    StoreResult again = record(alice, new ArchiveEntry(first.id(), "other", 9, T0, T0.plusSeconds(50), 1));

    assertThat(again).isEqualTo(new StoreResult(first, false));
    assertThat(catalog.find(alice, first.id())).contains(first);
    assertThat(all(alice)).containsExactly(first);
  }

  @Test
  void aWriteThatFailsRecordsNothing() {
    ConversationId id = newId();

    assertThatThrownBy(() -> catalog.record(alice, id, () -> {
      throw new IllegalStateException("upload broke off");
    })).hasMessageContaining("upload broke off");

    assertThat(catalog.find(alice, id)).isEmpty();
    assertThat(catalog.page(alice, PageRequest.first(10)).items()).isEmpty();
  }

  @Test
  void removeErasesTheObjectAndDropsTheEntry() {
    ArchiveEntry entry = entry(newId(), 1);
    record(alice, entry);
    AtomicBoolean erased = new AtomicBoolean();

    boolean removed = catalog.remove(alice, entry.id(), () -> {
      erased.set(true);
      return objects.remove(objectKey(alice, entry.id())) != null;
    });

    assertThat(removed).isTrue();
    assertThat(erased).isTrue();
    assertThat(objects).doesNotContainKey(objectKey(alice, entry.id()));
    assertThat(catalog.find(alice, entry.id())).isEmpty();
    assertThat(remove(alice, entry.id())).as("removing again").isFalse();
  }

  @Test
  void aCatalogOfRecordWhoseEraseFailsStillRemovesTheEntryAndLeavesAnOrphan() {
    assumeTrue(catalog instanceof CatalogOfRecord, "only a catalog of record decides the removal itself");
    ArchiveEntry entry = entry(newId(), 1);
    record(alice, entry);

    boolean removed = catalog.remove(alice, entry.id(), () -> {
      throw new IllegalStateException("store down");
    });

    assertThat(removed).isTrue();
    assertThat(catalog.find(alice, entry.id())).as("the removal is final").isEmpty();
    assertThat(objects).as("the object is left for the orphan pass").containsKey(objectKey(alice, entry.id()));
  }

  @Test
  void removingAnUnknownIdRemovesNothing() {
    assertThat(remove(alice, newId())).isFalse();
  }

  @Test
  void aCacheWhoseEraseFailsKeepsTheEntry() {
    assumeTrue(!(catalog instanceof CatalogOfRecord), "a catalog of record drops the entry first");
    ArchiveEntry entry = entry(newId(), 1);
    record(alice, entry);

    assertThatThrownBy(() -> catalog.remove(alice, entry.id(), () -> {
      throw new IllegalStateException("store down");
    })).hasMessageContaining("store down");

    assertThat(catalog.find(alice, entry.id())).contains(entry);
  }

  @Test
  void removeAllErasesAndCountsEveryEntryOfTheOwnerOnly() {
    List<ArchiveEntry> entries = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      entries.add(entry(newId(), i));
      record(alice, entries.get(i));
    }
    ArchiveEntry bobs = entry(newId(), 1);
    record(bob, bobs);
    Set<ConversationId> erased = ConcurrentHashMap.newKeySet();

    int removed = catalog.removeAll(alice, ids -> {
      erased.addAll(ids);
      ids.forEach(id -> objects.remove(objectKey(alice, id)));
    });

    assertThat(removed).isEqualTo(12);
    assertThat(erased).containsExactlyInAnyOrderElementsOf(entries.stream().map(ArchiveEntry::id).toList());
    assertThat(all(alice)).isEmpty();
    assertThat(all(bob)).containsExactly(bobs);
    assertThat(catalog.removeAll(alice, ids -> {})).as("nothing left").isZero();
  }

  @Test
  void racingRemoveAllsCountEachEntryOnce() throws Exception {
    for (int i = 0; i < 30; i++) {
      record(alice, entry(newId(), i));
    }

    List<Integer> counts = Concurrently.run(3, t -> () ->
        List.of(catalog.removeAll(alice, ids -> ids.forEach(id -> objects.remove(objectKey(alice, id))))));

    assertThat(counts.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
    assertThat(all(alice)).isEmpty();
  }

  @Test
  void pagesComeNewestFirstAndCursorsSurviveChanges() {
    List<ArchiveEntry> steady = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      ArchiveEntry e = entry(newId(), i % 5 == 0 ? 100 : i); // ties on archivedAt too
      steady.add(e);
      record(alice, e);
    }
    List<ArchiveEntry> seen = new ArrayList<>();
    Page<ArchiveEntry> page = catalog.page(alice, PageRequest.first(6));
    seen.addAll(page.items());
    int extra = 0;
    while (page.hasMore()) {
      // Entries come and go between pages; the steady ones must each be seen exactly once.
      ArchiveEntry transient1 = entry(newId(), 200 + extra);
      record(alice, transient1);
      ArchiveEntry transient2 = entry(newId(), -1 - extra);
      record(alice, transient2);
      remove(alice, transient1.id());
      extra++;
      page = catalog.page(alice, new PageRequest(6, Cursor.decode(page.nextCursor())));
      seen.addAll(page.items());
    }
    List<ArchiveEntry> steadySeen = seen.stream().filter(steady::contains).toList();
    List<ArchiveEntry> expected = new ArrayList<>(steady);
    expected.sort(ArchiveEntry.NEWEST_FIRST);
    assertThat(steadySeen).containsExactlyElementsOf(expected);
  }

  @Test
  void oneOwnerNeverSeesAnothersEntries() {
    ArchiveEntry entry = entry(newId(), 1);
    record(alice, entry);

    assertThat(catalog.find(bob, entry.id())).isEmpty();
    assertThat(catalog.page(bob, PageRequest.first(10)).items()).isEmpty();
    assertThat(remove(bob, entry.id())).isFalse();
    assertThat(catalog.find(alice, entry.id())).contains(entry);
  }

  @Test
  void rebuildRecordsWhatIsStoredAndKeepsOnlyEntriesWhoseObjectsStillExist() {
    ArchiveEntry gone = entry(newId(), 1);
    ArchiveEntry storedMeanwhile = entry(newId(), 2);
    ArchiveEntry listed = entry(newId(), 3);
    record(alice, gone);
    record(alice, storedMeanwhile);
    objects.remove(objectKey(alice, gone.id()));
    objects.put(objectKey(alice, listed.id()), listed);

    int count = catalog.rebuild(alice, List.of(listed), id -> objects.containsKey(objectKey(alice, id)));

    assertThat(count).isEqualTo(2);
    assertThat(all(alice)).containsExactlyInAnyOrder(listed, storedMeanwhile);
  }

  @Test
  void concurrentRecordsOfDistinctConversationsAreAllKept() throws Exception {
    List<ArchiveEntry> recorded = Concurrently.run(8, t -> () -> {
      List<ArchiveEntry> mine = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ArchiveEntry e = entry(newId(), t * 10 + i);
        record(alice, e);
        mine.add(e);
      }
      return mine;
    });

    assertThat(all(alice)).containsExactlyInAnyOrderElementsOf(recorded);
  }

  @Test
  void concurrentRecordsOfOneConversationCreateItOnce() throws Exception {
    ConversationId id = newId();

    List<StoreResult> results = Concurrently.run(8, t -> () -> List.of(record(alice, entry(id, t))));

    assertThat(results).filteredOn(StoreResult::created).hasSize(1);
    ArchiveEntry kept = results.stream().filter(StoreResult::created).findFirst().orElseThrow().entry();
    assertThat(results).extracting(StoreResult::entry).containsOnly(kept);
    assertThat(all(alice)).containsExactly(kept);
  }

  @Test
  void aCatalogOfRecordRunsTheWriteOnlyForTheFirstRecord() throws Exception {
    assumeTrue(catalog instanceof CatalogOfRecord, "only a catalog of record decides without the store's help");
    ConversationId id = newId();
    AtomicInteger writes = new AtomicInteger();

    Concurrently.run(8, t -> () -> List.of(catalog.record(alice, id, () -> {
      writes.incrementAndGet();
      return new StoreResult(entry(id, t), true); // a store that ignores If-None-Match: every write "creates"
    })));

    assertThat(writes).as("writes run").hasValue(1);
    assertThat(all(alice)).hasSize(1);
  }

  @Test
  void whileAbsentRunsOnlyForAnUnrecordedIdAndHoldsOffARecordOfIt() throws Exception {
    assumeTrue(catalog instanceof CatalogOfRecord, "only a catalog of record can hold an absent id");
    CatalogOfRecord ofRecord = (CatalogOfRecord) catalog;
    ArchiveEntry recorded = entry(newId(), 1);
    record(alice, recorded);
    assertThat(ofRecord.whileAbsent(alice, recorded.id(), () -> {
      throw new AssertionError("ran for a recorded id");
    })).isFalse();

    ConversationId absent = newId();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch recordWrote = new CountDownLatch(1);
    AtomicBoolean wroteWhileHeld = new AtomicBoolean();
    Thread recorder = new Thread(() -> {
      try {
        holding.await();
        catalog.record(alice, absent, () -> {
          recordWrote.countDown();
          return write(alice, entry(absent, 2)).get();
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    recorder.start();
    boolean ran = ofRecord.whileAbsent(alice, absent, () -> {
      holding.countDown();
      try {
        // A record of the same id must not get as far as its write while this runs.
        wroteWhileHeld.set(recordWrote.await(500, TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    recorder.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(ran).isTrue();
    assertThat(wroteWhileHeld).as("a record wrote while the id was held").isFalse();
    assertThat(catalog.find(alice, absent)).isPresent();
    assertThat(new HashSet<>(all(alice).stream().map(ArchiveEntry::id).toList())).containsExactlyInAnyOrder(recorded.id(), absent);
  }
}
