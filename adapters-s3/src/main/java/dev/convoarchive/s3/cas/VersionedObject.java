package dev.convoarchive.s3.cas;

import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.error.DamagedArchiveException;
import dev.convoarchive.domain.error.StorageUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A JSON object in S3 changed by read -> mutate -> conditional write ({@code If-Match} on the
 * ETag read, {@code If-None-Match: *} when it did not exist), retried with backoff when another
 * writer got there first. This is the lock that holds across processes and machines.
 *
 * <p>Within one process, changes to one key queue behind a per-key lock, and whoever holds the
 * lock applies every change waiting at that moment in a single write (group commit), so that many
 * concurrent requests for one user cost one conditional write rather than a storm of conflicts.
 * The per-key lock is dropped as soon as no change for that key is waiting, so locks do not
 * accumulate one per user.
 *
 * @param <S> the decoded state, which changes mutate in place
 */
public final class VersionedObject<S> {

  /** How the state is read from and written to bytes. */
  public interface Codec<S> {
    S empty();

    /** Decodes the stored bytes, which may be gzipped. */
    S decode(InputStream stored) throws IOException;

    /** The stored bytes, gzipped when {@code gzip} says so (the store labels them so). */
    byte[] encode(S state, boolean gzip);
  }

  /**
   * What a change returns: its result for the caller, and whether it modified the state (only then
   * is anything written). "No change" is a value the change hands back, not a flag the state
   * must remember to set.
   */
  public record Change<R>(R result, boolean dirty) {
    public static <R> Change<R> changed(R result) {
      return new Change<>(result, true);
    }

    public static <R> Change<R> unchanged(R result) {
      return new Change<>(result, false);
    }

    public static <R> Change<R> dirtyIf(boolean dirty, R result) {
      return new Change<>(result, dirty);
    }
  }

  private static final class Pending<S, R> {
    final Function<S, Change<R>> change;
    final CompletableFuture<R> outcome = new CompletableFuture<>();
    R result;
    RuntimeException failure;

    Pending(Function<S, Change<R>> change) {
      this.change = change;
    }

    /** Applies the change; returns whether it modified the state. */
    boolean apply(S state) {
      result = null;
      failure = null;
      try {
        Change<R> applied = change.apply(state);
        result = applied.result();
        return applied.dirty();
      } catch (RuntimeException e) {
        failure = e;
        return false;
      }
    }

    void settle() {
      if (failure != null) {
        outcome.completeExceptionally(failure);
      } else {
        outcome.complete(result);
      }
    }
  }

  private static final class KeyQueue {
    final ReentrantLock lock = new ReentrantLock();
    final ConcurrentLinkedQueue<Pending<?, ?>> waiting = new ConcurrentLinkedQueue<>();
    int users; // guarded by the map's compute
  }

  private final ObjectStore store;
  private final Codec<S> codec;
  private final int maxAttempts;
  private final Backoff backoff;
  private final Consumer<String> onRetry;
  private final ConcurrentHashMap<String, KeyQueue> queues = new ConcurrentHashMap<>();
  /** What this process last read or wrote per key: a change starts from it instead of a read. */
  private final LastKnown lastKnown = new LastKnown(LAST_KNOWN_BYTES);

  /** {@code onRetry} hears the key of every conditional write that lost a race and is retried. */
  public VersionedObject(ObjectStore store, Codec<S> codec, int maxAttempts, Consumer<String> onRetry) {
    this(store, codec, maxAttempts, Backoff.standard(), onRetry);
  }

  VersionedObject(ObjectStore store, Codec<S> codec, int maxAttempts, Backoff backoff, Consumer<String> onRetry) {
    this.store = store;
    this.codec = codec;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.onRetry = onRetry;
  }

  /** At most this many bytes of last-known objects are kept per instance. */
  static final long LAST_KNOWN_BYTES = 32L * 1024 * 1024;

  /** The current state, or empty when the object does not exist. Always read from the store. */
  public Optional<S> read(String key) {
    Optional<ObjectStore.Versioned> current = store.read(key);
    remember(key, current);
    return current.map(v -> decode(key, v.bytes()));
  }

  /**
   * Applies {@code change} to the current state and writes the result if the change says it
   * modified anything. The change may run more than once (once per attempt, on freshly read
   * state), so it must be a pure function of that state, and must check before it mutates: when it
   * throws, the exception goes to its caller alone and its partial effect must be nil.
   */
  public <R> R update(String key, Function<S, Change<R>> change) {
    Pending<S, R> mine = new Pending<>(change);
    KeyQueue queue = queues.compute(key, (k, q) -> {
      KeyQueue joined = q == null ? new KeyQueue() : q;
      joined.users++;
      joined.waiting.add(mine);
      return joined;
    });
    try {
      queue.lock.lock();
      try {
        if (!mine.outcome.isDone()) {
          List<Pending<S, ?>> batch = new ArrayList<>();
          for (Pending<?, ?> p; (p = queue.waiting.poll()) != null; ) {
            @SuppressWarnings("unchecked")
            Pending<S, ?> typed = (Pending<S, ?>) p;
            batch.add(typed);
          }
          writeBatch(key, batch);
        }
      } finally {
        queue.lock.unlock();
      }
    } finally {
      queues.computeIfPresent(key, (k, q) -> --q.users == 0 ? null : q);
    }
    return await(mine.outcome);
  }

  /** How many keys have a lock right now; for tests that check locks do not pile up. */
  public int activeKeys() {
    return queues.size();
  }

  /**
   * Applies the batch and writes it conditionally. The first try starts from the last-known
   * version when there is one (no read): if another writer changed the object since, the write
   * is refused and the batch starts again from a fresh read, without counting that as a lost
   * race. A batch that changes nothing is only answered from a fresh read, since a stale state
   * could give it a wrong answer that no write would catch.
   */
  private void writeBatch(String key, List<Pending<S, ?>> batch) {
    try {
      boolean trustLastKnown = true;
      for (int attempt = 1; attempt <= maxAttempts; ) {
        Optional<ObjectStore.Versioned> known = trustLastKnown ? lastKnown.get(key) : Optional.empty();
        trustLastKnown = false;
        Optional<ObjectStore.Versioned> current = known.isPresent() ? known : store.read(key);
        if (known.isEmpty()) {
          remember(key, current);
        }
        S state = current.map(v -> decode(key, v.bytes())).orElseGet(codec::empty);
        boolean dirty = false;
        for (Pending<S, ?> pending : batch) {
          dirty |= pending.apply(state);
        }
        if (!dirty) {
          if (known.isPresent()) {
            continue; // answer from a fresh read
          }
          batch.forEach(Pending::settle);
          return;
        }
        byte[] bytes = codec.encode(state, store.gzip());
        Optional<String> written = current.isPresent()
            ? store.replace(key, bytes, current.get().etag())
            : store.create(key, bytes);
        if (written.isPresent()) {
          lastKnown.put(key, new ObjectStore.Versioned(bytes, written.get()));
          batch.forEach(Pending::settle);
          return;
        }
        lastKnown.forget(key);
        if (known.isPresent()) {
          continue; // the last-known version was stale: read afresh, no race lost yet
        }
        onRetry.accept(key);
        if (attempt < maxAttempts) {
          backoff.pause(attempt);
        }
        attempt++;
      }
      ContentionException gaveUp = ContentionException.onStoredObject(key, maxAttempts);
      batch.forEach(p -> p.outcome.completeExceptionally(gaveUp));
    } catch (RuntimeException | Error e) {
      // Every waiter must hear back, or it would wait for ever behind a leader that died.
      batch.forEach(p -> p.outcome.completeExceptionally(e));
      throw e;
    }
  }

  private void remember(String key, Optional<ObjectStore.Versioned> current) {
    if (current.isPresent()) {
      lastKnown.put(key, current.get());
    } else {
      lastKnown.forget(key);
    }
  }

  private S decode(String key, byte[] bytes) {
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      return codec.decode(in);
    } catch (IOException | RuntimeException e) {
      throw new DamagedArchiveException(key, e);
    }
  }

  private static <R> R await(CompletableFuture<R> outcome) {
    try {
      return outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("S3", "interrupted while waiting for a write", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
