package dev.convoarchive.domain.usecase;

import dev.convoarchive.domain.error.ArchiveException;
import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.NotFoundException;
import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.Cursor;
import dev.convoarchive.domain.model.DueConversation;
import dev.convoarchive.domain.model.OwnedEntry;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ArchiveMaintenance;
import dev.convoarchive.domain.port.SweepQueue;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Moves what the chat app deleted (or left inactive) into the archive, and erases what outlived
 * its retention, with no request from anyone. A claimed batch is cut into one group per worker,
 * each moved together by {@link ArchiveService#archiveTogether} (held, stored and deleted with a
 * few statements for all, with the single move's guarantees); what a group leaves alone goes
 * through the API's own {@link ArchiveService#archiveIf}, so a sweep is exactly as lossless, and
 * as final when it erases. Any number of sweepers may run at once on one database: the
 * {@link SweepQueue} hands each conversation to one of them at a time.
 */
public final class Sweeper implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

  /**
   * @param batchSize conversations claimed at once
   * @param concurrency conversations archived at once
   * @param lease how long a claim holds; one that fails is taken again once it lapses
   * @param retention erase archived conversations archived longer ago than this; empty for never
   * @param maxRate the most conversations a second this sweeper starts to archive (SWEEP_MAX_RATE),
   *     so that a backlog does not crowd the app's own queries; infinite for no cap
   * @param claimBudget how long a claim may take before the sweeper takes the database as busy
   *     and halves its pace (SWEEP_DB_BUDGET); it speeds up again, a quarter at a time, while
   *     claims are quick
   */
  public record Settings(int batchSize, int concurrency, Duration lease, Optional<Duration> retention, double maxRate,
      Duration claimBudget) {

    public static final Duration DEFAULT_CLAIM_BUDGET = Duration.ofMillis(500);

    /** No claim budget: never backs off. */
    public static final Duration NO_BUDGET = ChronoUnit.FOREVER.getDuration();

    /** Without a rate cap, and without backing off. */
    public Settings(int batchSize, int concurrency, Duration lease, Optional<Duration> retention) {
      this(batchSize, concurrency, lease, retention, Double.POSITIVE_INFINITY, NO_BUDGET);
    }

    /** With the default claim budget. */
    public Settings(int batchSize, int concurrency, Duration lease, Optional<Duration> retention, double maxRate) {
      this(batchSize, concurrency, lease, retention, maxRate, DEFAULT_CLAIM_BUDGET);
    }

    public Settings {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batch size must be 1 to 10000; got " + batchSize);
      }
      if (concurrency < 1 || concurrency > 256) {
        throw new IllegalArgumentException("concurrency must be 1 to 256; got " + concurrency);
      }
      Objects.requireNonNull(lease, "lease");
      retention = retention == null ? Optional.empty() : retention;
      if (!(maxRate > 0)) {
        throw new IllegalArgumentException("the rate cap must be more than 0 conversations a second; got " + maxRate);
      }
      if (claimBudget == null || claimBudget.isNegative() || claimBudget.isZero()) {
        throw new IllegalArgumentException("the claim budget must be more than 0; got " + claimBudget);
      }
    }

    /**
     * How many to claim at once: the batch size, but no more than the rate cap lets start within
     * half a lease, so that a claim is not lost to its lease while the batch waits its turn.
     */
    int claimSize() {
      double withinHalfALease = maxRate * lease.toMillis() / 2000.0;
      return (int) Math.max(1, Math.min(batchSize, withinHalfALease));
    }
  }

  /**
   * Spaces archive starts at least 1/maxRate apart, across batches and passes (monotonic time),
   * and further apart while the database is busy: a claim over its budget doubles the spacing
   * (from 10 ms when there is no cap), a quick one takes a fifth off it, down to the cap's.
   */
  private final class Pace {
    private static final long SLOWEST_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long FIRST_BACK_OFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private final long capNanos = Double.isInfinite(settings.maxRate()) ? 0 : (long) (1e9 / settings.maxRate());
    private long interval = capNanos;
    private long next = System.nanoTime();

    synchronized void await() throws InterruptedException {
      if (interval == 0) {
        return;
      }
      long now = System.nanoTime();
      if (next > now) {
        TimeUnit.NANOSECONDS.sleep(next - now);
      }
      next = Math.max(now, next) + interval;
    }

    /** Told how long a claim took. */
    synchronized void claimed(Duration took) {
      if (took.compareTo(settings.claimBudget()) > 0) {
        long slower = Math.min(SLOWEST_NANOS, Math.max(FIRST_BACK_OFF_NANOS, interval * 2));
        if (slower != interval) {
          LOG.log(Level.INFO, "a claim took " + took.toMillis() + " ms (budget " + settings.claimBudget().toMillis()
              + " ms): the database is busy, archiving at most " + Math.round(1e9 / slower) + " a second");
        }
        interval = slower;
      } else if (interval > capNanos) {
        long faster = interval - interval / 5;
        interval = faster <= Math.max(capNanos, FIRST_BACK_OFF_NANOS) ? capNanos : faster;
      }
    }
  }

  private final Pace pace;

  /**
   * What one pass did. {@code gone} were due but vanished first, or were no longer due under their
   * lock (undeleted, or used again); {@code failed} includes due rows the service cannot use;
   * {@code erased} counts conversations erased by retention; {@code accountsErased} users whose
   * removal erased their captured conversations and archive.
   */
  public record Pass(int archived, int gone, int failed, int erased, int accountsErased,
      Optional<RuntimeException> outage) {
    public boolean clean() {
      return failed == 0 && outage.isEmpty();
    }
  }

  private final ArchiveService service;
  private final SweepQueue queue;
  private final Optional<ArchiveMaintenance> maintenance;
  private final Settings settings;
  private final Clock clock;
  private final ExecutorService workers;
  private volatile boolean stopping;

  public Sweeper(ArchiveService service, SweepQueue queue, Optional<ArchiveMaintenance> maintenance, Settings settings,
      Clock clock) {
    this.service = Objects.requireNonNull(service, "service");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.maintenance = Objects.requireNonNull(maintenance, "maintenance");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pace = new Pace();
    if (settings.retention().isPresent() && maintenance.isEmpty()) {
      throw new IllegalArgumentException("retention needs an archive that can list its owners");
    }
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(settings.concurrency(), task -> {
      Thread thread = new Thread(task, "sweeper-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  public SweepQueue queue() {
    return queue;
  }

  /**
   * Archives every conversation due now, a batch at a time, then erases what retention says.
   * Stops early, with {@code outage} set, when a whole batch failed on storage: the next pass
   * (after a back-off) takes it again. {@code progress} hears after each batch.
   */
  public Pass runOnce(Consumer<Pass> progress) throws InterruptedException {
    int archived = 0;
    int gone = 0;
    int failed = 0;
    // Removed accounts first, so none of their conversations is archived after its erase.
    int accountsErased = stopping ? 0 : eraseRemovedAccounts();
    while (!stopping) {
      long unusableBefore = queue.unusable();
      long claimStarted = System.nanoTime();
      List<DueConversation> batch = queue.claim(settings.claimSize(), clock.instant(), settings.lease());
      pace.claimed(Duration.ofNanos(System.nanoTime() - claimStarted));
      failed += (int) (queue.unusable() - unusableBefore);
      if (batch.isEmpty()) {
        if (queue.unusable() > unusableBefore) {
          continue; // a batch of only unusable rows: the next may hold usable ones
        }
        break;
      }
      List<Future<List<Outcome>>> outcomes = new ArrayList<>();
      for (List<DueConversation> group : groups(batch)) {
        for (int i = 0; i < group.size(); i++) {
          pace.await();
        }
        outcomes.add(workers.submit(() -> archive(group)));
      }
      RuntimeException outage = null;
      int unavailable = 0;
      for (Outcome outcome : results(outcomes)) {
        switch (outcome.kind) {
          case ARCHIVED -> archived++;
          case GONE -> gone++;
          case UNAVAILABLE -> {
            failed++;
            unavailable++;
            outage = outcome.failure;
          }
          case FAILED -> failed++;
        }
      }
      progress.accept(new Pass(archived, gone, failed, 0, accountsErased, Optional.empty()));
      if (unavailable == batch.size()) {
        return new Pass(archived, gone, failed, 0, accountsErased, Optional.of(outage));
      }
    }
    int erased = settings.retention().isPresent() && !stopping ? eraseExpired(clock.instant().minus(settings.retention().get())) : 0;
    Pass pass = new Pass(archived, gone, failed, erased, accountsErased, Optional.empty());
    progress.accept(pass);
    return pass;
  }

  private enum Kind { ARCHIVED, GONE, UNAVAILABLE, FAILED }

  private record Outcome(Kind kind, RuntimeException failure) {}

  /** The most conversations one group moves together: a bound on the locks one transaction holds, and for how long. */
  static final int MAX_GROUP = 100;

  /** The batch cut into one group per worker, each of at most {@link #MAX_GROUP}. */
  private List<List<DueConversation>> groups(List<DueConversation> batch) {
    int size = Math.min(MAX_GROUP, (batch.size() + settings.concurrency() - 1) / settings.concurrency());
    List<List<DueConversation>> groups = new ArrayList<>();
    for (int from = 0; from < batch.size(); from += size) {
      groups.add(batch.subList(from, Math.min(batch.size(), from + size)));
    }
    return groups;
  }

  /**
   * Moves a group together (held, stored and deleted with a few statements for all), and each
   * conversation the group move left alone (captured ones, or all of a group whose move failed
   * as a whole) by its own move.
   */
  private List<Outcome> archive(List<DueConversation> group) {
    Instant now = clock.instant();
    ArchiveService.Grouped grouped;
    try {
      grouped = service.archiveTogether(group, (due, current) -> queue.stillDue(due, current, now));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "moving " + group.size() + " conversations together failed, moving each alone: " + e.getMessage());
      grouped = new ArchiveService.Grouped(List.of(), List.of(), Map.of(), group);
    }
    List<DueConversation> done = new ArrayList<>(grouped.archived());
    done.addAll(grouped.noLongerDue());
    try {
      queue.releaseAll(done);
    } catch (RuntimeException e) {
      // Their claims lapse with their lease; what they claimed is archived or no longer due either way.
      LOG.log(Level.WARNING, "giving up " + done.size() + " claims failed: " + e.getMessage());
    }
    List<Outcome> outcomes = new ArrayList<>();
    grouped.archived().forEach(due -> outcomes.add(new Outcome(Kind.ARCHIVED, null)));
    grouped.noLongerDue().forEach(due -> outcomes.add(new Outcome(Kind.GONE, null)));
    grouped.failed().forEach((due, failure) -> outcomes.add(failed(due, failure)));
    for (DueConversation due : grouped.alone()) {
      outcomes.add(archive(due));
    }
    return outcomes;
  }

  private Outcome archive(DueConversation due) {
    try {
      Instant now = clock.instant();
      service.archiveIf(due.owner(), due.id(), current -> queue.stillDue(due, current, now));
      queue.release(due);
      return new Outcome(Kind.ARCHIVED, null);
    } catch (RuntimeException e) {
      return failed(due, e);
    }
  }

  private Outcome failed(DueConversation due, RuntimeException failure) {
    if (failure instanceof NotFoundException || failure instanceof ArchiveService.NoLongerDue) {
      queue.release(due);
      return new Outcome(Kind.GONE, null);
    }
    if (failure instanceof StorageUnavailableException || failure instanceof ContentionException) {
      // Stays claimed until the lease lapses: taken again then, by whichever sweeper is first.
      LOG.log(Level.WARNING, "sweeping " + due.owner() + "/" + due.id() + " failed: " + failure.getMessage());
      return new Outcome(Kind.UNAVAILABLE, failure);
    }
    // A conflict (two differing copies), a damaged object, a bug: an operator has to look.
    LOG.log(Level.ERROR, "sweeping " + due.owner() + "/" + due.id() + " failed: " + failure.getMessage());
    return new Outcome(Kind.FAILED, failure);
  }

  private static List<Outcome> results(List<Future<List<Outcome>>> futures) throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    for (Future<List<Outcome>> future : futures) {
      try {
        outcomes.addAll(future.get());
      } catch (ExecutionException impossible) {
        throw new IllegalStateException(impossible.getCause());
      }
    }
    return outcomes;
  }

  /**
   * Erases the archive and the captured conversations of every user removed lately (the right to
   * erasure). Users removed within two leases are erased again each pass: a sweeper that claimed
   * one of their conversations before the removal and archives it late is undone by the next.
   */
  private int eraseRemovedAccounts() {
    int erased = 0;
    for (UserId owner : queue.removedAccounts(clock.instant().minus(settings.lease().multipliedBy(2)))) {
      try {
        int conversations = queue.forgetCaptured(owner) + service.deleteAll(owner);
        // Counted when something was erased: the same account is looked at again for two leases.
        if (conversations > 0) {
          LOG.log(Level.INFO, "account " + owner + " was removed: erased " + conversations + " of its conversations");
          erased++;
        }
      } catch (ArchiveException e) {
        LOG.log(Level.WARNING, "erasing removed account " + owner + " failed: " + e.getMessage());
      }
    }
    return erased;
  }

  /** How many expired entries one query across owners returns. */
  static final int EXPIRED_BATCH = 1000;

  /**
   * Erases every archived conversation archived before {@code cutoff}: a batch at a time, together,
   * where the archive's index lists them across owners; otherwise through the API's own erase.
   */
  private int eraseExpired(Instant cutoff) {
    ArchiveMaintenance archive = maintenance.orElseThrow();
    Optional<List<OwnedEntry>> indexed = archive.archivedBefore(cutoff, null, EXPIRED_BATCH);
    if (indexed.isPresent()) {
      // One indexed query a batch across every owner, oldest first, instead of every owner's listing;
      // the batch erased together where the index can (its entries in one transaction).
      int erased = 0;
      for (List<OwnedEntry> batch = indexed.get(); !batch.isEmpty() && !stopping;
          batch = archive.archivedBefore(cutoff, batch.get(batch.size() - 1), EXPIRED_BATCH).orElseThrow()) {
        erased += archive.eraseListed(batch, expired -> erase(expired.owner(), expired.entry()));
      }
      return erased;
    }
    int erased = 0;
    try (Stream<UserId> owners = archive.owners()) {
      for (Iterator<UserId> it = owners.iterator(); it.hasNext(); ) {
        UserId owner = it.next();
        for (ArchiveEntry entry : expired(owner, cutoff)) {
          erased += erase(owner, entry) ? 1 : 0;
        }
      }
    }
    return erased;
  }

  /** Erases the copy listed, only: one restored and archived again meanwhile is a new copy. */
  private boolean erase(UserId owner, ArchiveEntry entry) {
    try {
      return service.deleteIfArchivedAt(owner, entry.id(), entry.archivedAt());
    } catch (ArchiveException e) {
      LOG.log(Level.WARNING, "erasing " + owner + "/" + entry.id() + " failed: " + e.getMessage());
      return false;
    }
  }

  /** The owner's entries archived before {@code cutoff}: the tail of the newest-first listing. */
  private List<ArchiveEntry> expired(UserId owner, Instant cutoff) {
    List<ArchiveEntry> expired = new ArrayList<>();
    for (Page<ArchiveEntry> page = service.list(owner, PageRequest.first(PageRequest.MAX_LIMIT)); ;
        page = service.list(owner, new PageRequest(PageRequest.MAX_LIMIT, Cursor.decode(page.nextCursor())))) {
      page.items().stream().filter(entry -> entry.archivedAt().isBefore(cutoff)).forEach(expired::add);
      if (!page.hasMore()) {
        return expired;
      }
    }
  }

  /** Ends a pass under way after its current batch (claims not reached lapse for another sweeper). */
  public void stop() {
    stopping = true;
  }

  @Override
  public void close() {
    stop();
    workers.shutdown();
  }
}
