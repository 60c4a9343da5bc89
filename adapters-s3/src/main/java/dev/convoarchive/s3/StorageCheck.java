package dev.convoarchive.s3;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.s3.cas.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository analysis of the configured bucket: everything the storage variants rely on, checked for
 * real before going live. Unlike the start-up {@link StorageProbe}, it also races writers, so it
 * finds stores that check conditions and write in two steps (and so lose updates under load).
 * It writes only under {@code {prefix}/_check/{run id}/} and removes what it wrote.
 */
public final class StorageCheck {

  /**
   * One check's outcome. {@code conditional} checks test what only the S3 index and single-file
   * rely on (conditional writes); per-file with the PostgreSQL index needs the others alone.
   * {@code cost} says what a failure would cost a variant that relies on the check.
   */
  public record Result(String name, boolean passed, String detail, long millis, boolean conditional, String cost) {}

  /** The cost of a conditional check's failure; {@link #cost} says it for the variant. */
  private static final String LOST_WRITES = "concurrent writers could lose conversations";

  static final int CONTENDING_THREADS = 8;
  static final int INCREMENTS_PER_THREAD = 25;
  static final int LISTED_KEYS = 25;
  static final int PAGE_SIZE = 10;

  private final S3Client s3;
  private final S3ArchiveConfig config;
  private final ObjectStore store;
  private final StorageProbe probe;
  private final String root;

  private final int contendingThreads;
  private final int incrementsPerThread;

  public StorageCheck(S3Client s3, S3ArchiveConfig config) {
    this(s3, config, CONTENDING_THREADS, INCREMENTS_PER_THREAD);
  }

  /** With a race of its own size (tests whose subject is not the race run a short one). */
  StorageCheck(S3Client s3, S3ArchiveConfig config, int contendingThreads, int incrementsPerThread) {
    this.contendingThreads = contendingThreads;
    this.incrementsPerThread = incrementsPerThread;
    this.s3 = s3;
    this.config = config;
    this.store = new ObjectStore(s3, config.bucket(), false);
    this.probe = new StorageProbe(s3, config);
    this.root = config.prefix() + "/_check/" + UUID.randomUUID() + "/";
  }

  /** Runs every check, cleans up, and returns the results in order. */
  public List<Result> run() {
    List<Result> results = new ArrayList<>();
    try {
      results.add(timed("bucket " + config.bucket() + " is reachable", false, "nothing could be archived or read", this::bucket));
      if (!results.get(0).passed()) {
        return results;
      }
      results.add(timed("create-only write (If-None-Match: *) refuses an existing key", true, LOST_WRITES, this::createOnly));
      results.add(timed("compare-and-swap (If-Match) refuses a stale ETag", true, LOST_WRITES, this::compareAndSwap));
      results.add(timed("read-after-write returns the bytes just written",
          false, "a conversation just archived could read back missing or old, and its restore or export fail", this::readAfterWrite));
      results.add(timed("listing across pages (" + LISTED_KEYS + " keys, " + PAGE_SIZE + " a page) sees each key once",
          false, "the archive's repair and export, and erasing a user, walk listings: they would miss or repeat conversations",
          this::listing));
      results.add(timed("contended compare-and-swap (" + contendingThreads + " threads x " + incrementsPerThread
          + " increments of one object) keeps every increment", true, LOST_WRITES, this::contended));
    } finally {
      cleanUp();
    }
    return results;
  }

  /** True when the results show the store can serve {@code config}'s variant. */
  public static boolean serves(S3ArchiveConfig config, List<Result> results) {
    return !results.isEmpty() && failedFor(config.variant(), results).isEmpty();
  }

  /** The failed checks {@code variant} relies on. */
  private static List<Result> failedFor(StorageVariant variant, List<Result> results) {
    return results.stream().filter(r -> !r.passed() && (!r.conditional() || variant.needsConditionalWrites())).toList();
  }

  /** What a failure of {@code check} costs {@code variant}. */
  private static String cost(Result check, StorageVariant variant) {
    return check.conditional() ? variant.withoutConditionalWrites().orElse(check.cost()) : check.cost();
  }

  /**
   * A printable report: one line per check, which variants the store can serve, and a last line
   * saying whether it may be used as {@code config} is set up.
   */
  public static String report(S3ArchiveConfig config, List<Result> results) {
    StringBuilder text = new StringBuilder("check-storage of bucket " + config.bucket() + "\n");
    for (Result r : results) {
      text.append(String.format(Locale.ROOT, "  [%s] %s (%d ms)%n         %s%n", r.passed() ? "PASS" : "FAIL", r.name(), r.millis(), r.detail()));
    }
    text.append("Variants this store can serve:\n");
    for (StorageVariant option : StorageVariant.values()) {
      List<Result> failed = failedFor(option, results);
      text.append("  ").append(option.describe()).append(": ").append(failed.isEmpty() ? "yes"
          : failed.stream().allMatch(Result::conditional) ? "no (it relies on conditional writes this store does not keep)"
              : "no (" + failed.stream().map(Result::name).collect(Collectors.joining("; ")) + ")").append('\n');
    }
    StorageVariant variant = config.variant();
    List<Result> failed = failedFor(variant, results);
    text.append(failed.isEmpty() && !results.isEmpty()
        ? "OK: this store keeps every guarantee " + variant.describe() + " relies on.\n"
        : "FAILED: do not use this store with " + variant.describe() + ": " + failed.stream()
            .map(r -> r.name() + " failed, and " + cost(r, variant)).collect(Collectors.joining("; ")) + ".\n");
    return text.toString();
  }

  private interface Check {
    String run() throws Exception; // returns the detail of a pass; throws CheckFailed with the detail of a failure
  }

  private static final class CheckFailed extends Exception {
    CheckFailed(String detail) {
      super(detail);
    }
  }

  private Result timed(String name, boolean conditional, String cost, Check check) {
    long started = System.nanoTime();
    String detail;
    boolean passed;
    try {
      detail = check.run();
      passed = true;
    } catch (CheckFailed e) {
      detail = e.getMessage();
      passed = false;
    } catch (StorageUnavailableException | SdkException e) {
      detail = "the store failed: " + e.getMessage();
      passed = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      detail = "the check was interrupted";
      passed = false;
    } catch (Exception e) {
      // A crashed check is still a verdict: the store answered something the check did not expect.
      detail = "the store answered what the check did not expect: " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")";
      passed = false;
    }
    return new Result(name, passed, detail, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        conditional, cost);
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
    ContendedCounter.Outcome race = ContendedCounter.race(store, root + "counter.json", contendingThreads,
        incrementsPerThread, Duration.ofMinutes(5));
    failIf(race.problem());
    if (race.refused() == 0) {
      return "counter at " + race.counted() + "; no write ever lost a race, so contention was not really tested";
    }
    return "counter at " + race.counted() + " after " + race.refused() + " refused stale writes";
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
