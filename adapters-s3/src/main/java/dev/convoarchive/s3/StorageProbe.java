package dev.convoarchive.s3;

import dev.convoarchive.domain.error.StorageUnavailableException;
import dev.convoarchive.s3.cas.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks, before anything is trusted to it, that the configured store keeps the guarantees the
 * storage variants rely on. Some S3-compatible stores and emulators silently ignore conditional headers;
 * on such a store concurrent writers overwrite each other and updates get lost, so the service
 * must not start.
 */
final class StorageProbe {

  static final int RACING_WRITERS = 4;
  static final int RACED_INCREMENTS = 4;
  static final Duration RACE_BOUND = Duration.ofSeconds(20);

  private final S3Client s3;
  private final S3ArchiveConfig config;
  private final ObjectStore store;

  StorageProbe(S3Client s3, S3ArchiveConfig config) {
    this.s3 = s3;
    this.config = config;
    this.store = new ObjectStore(s3, config.bucket(), false);
  }

  /** Runs every check; throws {@link UnsafeStorageException} listing each guarantee that is missing. */
  void verify() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      StorageVariant variant = config.variant();
      throw new UnsafeStorageException(config.bucket(), problems, (variant.needsConditionalWrites()
          ? "The variant " + variant.describe() + " relies on conditional writes; " + StorageVariant.byDefault().describe()
              + " does not (it is the default). "
          : "") + "`java -jar convo-archive.jar check-storage` analyses the store in full");
    }
  }

  /**
   * The missing guarantees, empty when the store keeps them all. Conditional writes are checked
   * only where the configuration relies on them (the S3 index, single-file); per-file with the
   * PostgreSQL index needs only that objects can be written and read back.
   */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    Optional<String> bucketProblem = bucketProblem();
    if (bucketProblem.isPresent()) {
      problems.add(bucketProblem.get());
      return problems;
    }
    // Under the prefix, named so that no user id (a UUID) or conversation key can collide with it.
    String key = config.prefix() + "/_probe/" + UUID.randomUUID() + ".json";
    String counter = key.replace(".json", "-counter.json");
    try {
      if (config.variant().needsConditionalWrites()) {
        createOnlyProblem(key).ifPresent(problems::add);
        compareAndSwapProblem(key).ifPresent(problems::add);
        if (problems.isEmpty()) {
          contendedProblem(counter).ifPresent(problems::add);
        }
      } else {
        readBackProblem(key).ifPresent(problems::add);
      }
    } catch (StorageUnavailableException e) {
      problems.add("the probe could not write or read " + key + ": " + e.getMessage());
    } finally {
      try {
        store.delete(key);
        store.delete(counter);
      } catch (StorageUnavailableException ignored) {
        // the problem is already reported; a leftover probe object is harmless
      }
    }
    return problems;
  }

  /**
   * Creates {@code key}, which must not exist yet, then tries to create it again. Empty when the
   * second create is refused; otherwise the missing guarantee. check-storage runs the same check.
   */
  Optional<String> createOnlyProblem(String key) {
    if (store.create(key, body("first")).isEmpty()) {
      return Optional.of("a create-only write (If-None-Match: *) of a new key was refused");
    }
    if (store.create(key, body("second")).isPresent()) {
      return Optional.of("create-only writes (If-None-Match: *) are ignored: a second create of " + key
          + " succeeded, so two machines archiving one conversation could overwrite each other");
    }
    return Optional.empty();
  }

  /**
   * On the existing {@code key}: a write with the current ETag must succeed and change the ETag,
   * and one with the old ETag must then be refused. Empty when so; otherwise the missing guarantee.
   */
  Optional<String> compareAndSwapProblem(String key) {
    Optional<ObjectStore.Versioned> existing = store.read(key);
    if (existing.isEmpty()) {
      return Optional.of("compare-and-swap could not be tried: " + key + " does not exist");
    }
    String current = existing.get().etag();
    Optional<String> swapped = store.replace(key, body("swapped"), current);
    if (swapped.isEmpty()) {
      return Optional.of("compare-and-swap writes (If-Match) are refused even with the current ETag");
    }
    if (swapped.get().equals(current)) {
      return Optional.of("the ETag did not change when the content did, so versions cannot be told apart");
    }
    if (store.replace(key, body("stale"), current).isPresent()) {
      return Optional.of("compare-and-swap writes (If-Match) are ignored: a write with a stale ETag succeeded,"
          + " so concurrent updates of an index or user file would be lost");
    }
    return Optional.empty();
  }

  /**
   * A short race of {@value #RACING_WRITERS} writers, {@value #RACED_INCREMENTS} increments each,
   * on a new {@code key}: a store that checks a condition and writes in a second step passes the
   * checks above one at a time and loses updates here. A few dozen requests: about a second on S3.
   */
  Optional<String> contendedProblem(String key) {
    try {
      return ContendedCounter.race(store, key, RACING_WRITERS, RACED_INCREMENTS, RACE_BOUND).problem()
          .map(problem -> "racing writers: " + problem);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("the race of writers was interrupted");
    }
  }

  /** Writes {@code key} and reads it back. Empty when the bytes come back as written. */
  Optional<String> readBackProblem(String key) {
    byte[] written = body("read-back");
    store.overwrite(key, written);
    Optional<ObjectStore.Versioned> read = store.read(key);
    if (read.isEmpty() || !java.util.Arrays.equals(read.get().bytes(), written)) {
      return Optional.of("an object written to " + key + " did not read back as written");
    }
    return Optional.empty();
  }

  Optional<String> bucketProblem() {
    try {
      s3.headBucket(b -> b.bucket(config.bucket()));
      return Optional.empty();
    } catch (NoSuchBucketException e) {
      return Optional.of("bucket " + config.bucket() + " does not exist; create it or set S3_BUCKET");
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.of("bucket " + config.bucket() + " does not exist; create it or set S3_BUCKET");
      }
      if (e.statusCode() == 403) {
        return Optional.of("access to bucket " + config.bucket() + " is denied; check the AWS credentials and policy");
      }
      return Optional.of("bucket " + config.bucket() + " answered " + e.statusCode() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      return Optional.of("bucket " + config.bucket() + " cannot be reached: " + e.getMessage());
    }
  }

  private static byte[] body(String marker) {
    return ("{\"probe\":\"" + marker + "\",\"nonce\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
  }
}
