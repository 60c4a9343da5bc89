package dev.convoarchive.s3;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.s3.cas.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository analysis of the configured bucket: everything the layouts rely on, checked for
 * real before going live. Unlike the start-up {@link StorageProbe}, it also races writers, so it
 * finds stores that check conditions and write in two steps (and so lose updates under load).
 * It writes only under {@code {prefix}/_check/{run id}/} and removes what it wrote.
 */
public final class StorageCheck {

  /**
   * One check's outcome. {@code conditional} checks test what only the S3 index and single-file
   * rely on (conditional writes); per-file with the PostgreSQL index needs the others alone.
   */
  public record Result(String name, boolean passed, String detail, long millis, boolean conditional) {}

  static final int CONTENDING_THREADS = 8;
  static final int INCREMENTS_PER_THREAD = 25;
  static final int LISTED_KEYS = 25;
  static final int PAGE_SIZE = 10;

  private final S3Client s3;
  private final S3ArchiveConfig config;
  private final ObjectStore store;
  private final StorageProbe probe;
  private final String root;

  public StorageCheck(S3Client s3, S3ArchiveConfig config) {
    this.s3 = s3;
    this.config = config;
    this.store = new ObjectStore(s3, config.bucket(), Compression.NONE);
    this.probe = new StorageProbe(s3, config);
    this.root = config.prefix() + "/_check/" + UUID.randomUUID() + "/";
  }

  /** Runs every check, cleans up, and returns the results in order. */
  public List<Result> run() {
    List<Result> results = new ArrayList<>();
    try {
      results.add(timed("bucket " + config.bucket() + " is reachable", false, this::bucket));
      if (!results.get(0).passed()) {
        return results;
      }
      results.add(timed("create-only write (If-None-Match: *) refuses an existing key", true, this::createOnly));
      results.add(timed("compare-and-swap (If-Match) refuses a stale ETag", true, this::compareAndSwap));
      results.add(timed("read-after-write returns the bytes just written", false, this::readAfterWrite));
      results.add(timed("listing across pages (" + LISTED_KEYS + " keys, " + PAGE_SIZE + " a page) sees each key once",
          false, this::listing));
      results.add(timed("contended compare-and-swap (" + CONTENDING_THREADS + " threads x " + INCREMENTS_PER_THREAD
          + " increments of one object) keeps every increment", true, this::contended));
    } finally {
      cleanUp();
    }
    return results;
  }

  /** True when the results show the store can serve {@code config}'s layout and index. */
  public static boolean serves(S3ArchiveConfig config, List<Result> results) {
    return !results.isEmpty() && results.stream().allMatch(r -> r.passed() || (r.conditional() && !config.needsConditionalWrites()));
  }

  /**
   * A printable report: one line per check, which layouts the store can serve, and a last line
   * saying whether it may be used as {@code config} is set up.
   */
  public static String report(S3ArchiveConfig config, List<Result> results) {
    StringBuilder text = new StringBuilder("check-storage of bucket " + config.bucket() + "\n");
    for (Result r : results) {
      text.append(String.format(Locale.ROOT, "  [%s] %s (%d ms)%n         %s%n", r.passed() ? "PASS" : "FAIL", r.name(), r.millis(), r.detail()));
    }
    text.append("Layouts this store can serve:\n");
    for (S3ArchiveConfig option : List.of(config.withLayout(ArchiveLayout.PER_FILE).withIndex(IndexLocation.POSTGRES),
        config.withLayout(ArchiveLayout.PER_FILE).withIndex(IndexLocation.S3), config.withLayout(ArchiveLayout.SINGLE_FILE))) {
      text.append("  ").append(describe(option)).append(": ").append(serves(option, results) ? "yes"
          : option.needsConditionalWrites() && serves(option.withLayout(ArchiveLayout.PER_FILE).withIndex(IndexLocation.POSTGRES), results)
              ? "no (it relies on conditional writes this store does not keep)" : "no").append('\n');
    }
    text.append(serves(config, results)
        ? "OK: this store keeps every guarantee " + describe(config) + " relies on.\n"
        : "FAILED: do not use this store for convo-archive with " + describe(config)
            + "; concurrent writers could lose conversations.\n");
    return text.toString();
  }

  private static String describe(S3ArchiveConfig config) {
    return config.layout() == ArchiveLayout.PER_FILE
        ? "per-file with ARCHIVE_INDEX=" + config.index().configName() : config.layout().configName();
  }

  private interface Check {
    String run() throws Exception; // returns the detail of a pass; throws CheckFailed with the detail of a failure
  }

  private static final class CheckFailed extends Exception {
    CheckFailed(String detail) {
      super(detail);
    }
  }

  private Result timed(String name, boolean conditional, Check check) {
    long started = System.nanoTime();
    String detail;
    boolean passed;
    try {
      detail = check.run();
      passed = true;
    } catch (CheckFailed e) {
      detail = e.getMessage();
      passed = false;
    } catch (StorageUnavailableException e) {
      detail = "the store failed: " + e.getMessage();
      passed = false;
    } catch (Exception e) {
      detail = "the check failed unexpectedly: " + e;
      passed = false;
    }
    return new Result(name, passed, detail, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), conditional);
  }

  private String bucket() throws CheckFailed {
    failIf(probe.bucketProblem());
    return "HeadBucket answered";
  }

  private String createOnly() throws CheckFailed {
    failIf(probe.createOnlyProblem(root + "create-only.json"));
    return "the second create was refused with 412";
  }

  private String compareAndSwap() throws CheckFailed {
    String key = root + "cas.json";
    store.create(key, bytes("v1")).orElseThrow(() -> new CheckFailed("could not create " + key));
    failIf(probe.compareAndSwapProblem(key));
    return "the current ETag was accepted and the stale one refused with 412";
  }

  /** The start-up probe's checks are the first of these; they report the same way here. */
  private static void failIf(Optional<String> problem) throws CheckFailed {
    if (problem.isPresent()) {
      throw new CheckFailed(problem.get());
    }
  }

  private String readAfterWrite() throws CheckFailed {
    String key = root + "read-after-write.json";
    byte[] written = bytes("read me " + UUID.randomUUID());
    String etag = store.create(key, written).orElseThrow(() -> new CheckFailed("could not create " + key));
    requireRead(key, written);
    byte[] overwritten = bytes("read me again " + UUID.randomUUID());
    store.replace(key, overwritten, etag).orElseThrow(() -> new CheckFailed("could not overwrite " + key));
    requireRead(key, overwritten);
    if (store.list(root).stream().noneMatch(o -> o.key().equals(key))) {
      throw new CheckFailed("a listing right after the write does not show " + key);
    }
    return "new and overwritten objects read back exactly and are listed at once";
  }

  private void requireRead(String key, byte[] expected) throws CheckFailed {
    Optional<ObjectStore.Versioned> read = store.read(key);
    if (read.isEmpty() || !Arrays.equals(read.get().bytes(), expected)) {
      throw new CheckFailed("reading " + key + " right after writing it returned "
          + read.map(v -> "other bytes").orElse("nothing"));
    }
  }

  private String listing() throws CheckFailed {
    String prefix = root + "listing/";
    Set<String> written = new HashSet<>();
    for (int i = 0; i < LISTED_KEYS; i++) {
      String key = prefix + String.format(Locale.ROOT, "%03d.json", i);
      store.create(key, bytes("k" + i)).orElseThrow(() -> new CheckFailed("could not create " + key));
      written.add(key);
    }
    List<String> listed = new ArrayList<>();
    AtomicInteger pages = new AtomicInteger();
    s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix).maxKeys(PAGE_SIZE)).forEach(page -> {
      pages.incrementAndGet();
      page.contents().stream().map(S3Object::key).forEach(listed::add);
    });
    if (listed.size() != written.size() || !new HashSet<>(listed).equals(written)) {
      throw new CheckFailed("listing returned " + listed.size() + " keys (" + new HashSet<>(listed).size() + " distinct) of "
          + written.size() + " written");
    }
    if (pages.get() < 3) {
      throw new CheckFailed("listing came in " + pages.get() + " pages; the store ignores max-keys, so paging is untested");
    }
    return "all " + written.size() + " keys in " + pages.get() + " pages, none twice";
  }

  private String contended() throws Exception {
    String key = root + "counter.json";
    store.create(key, bytes("0")).orElseThrow(() -> new CheckFailed("could not create " + key));
    ExecutorService pool = Executors.newFixedThreadPool(CONTENDING_THREADS);
    AtomicInteger conflicts = new AtomicInteger();
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < CONTENDING_THREADS; t++) {
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
            while (true) {
              ObjectStore.Versioned current = store.read(key).orElseThrow();
              int value = Integer.parseInt(new String(current.bytes(), StandardCharsets.UTF_8));
              if (store.replace(key, bytes(Integer.toString(value + 1)), current.etag()).isPresent()) {
                break;
              }
              conflicts.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    int expected = CONTENDING_THREADS * INCREMENTS_PER_THREAD;
    int actual = Integer.parseInt(new String(store.read(key).orElseThrow().bytes(), StandardCharsets.UTF_8));
    if (actual != expected) {
      throw new CheckFailed("the counter ended at " + actual + " instead of " + expected + ": " + (expected - actual)
          + " acknowledged updates were lost, so the store does not decide conditional writes atomically");
    }
    if (conflicts.get() == 0) {
      return "counter at " + actual + "; no write ever lost a race, so contention was not really tested";
    }
    return "counter at " + actual + " after " + conflicts.get() + " refused stale writes";
  }

  private void cleanUp() {
    try {
      store.deleteAll(store.list(root).stream().map(S3Object::key).toList());
    } catch (RuntimeException e) {
      // leftovers under _check/ are harmless and are named in no listing of conversations
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
