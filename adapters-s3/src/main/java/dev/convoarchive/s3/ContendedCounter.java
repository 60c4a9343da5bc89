package dev.convoarchive.s3;

import dev.convoarchive.s3.cas.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers racing to increment one counter object by compare-and-swap, as machines race on an
 * index or a user file. A store that checks a condition and then writes in a second step keeps
 * each condition when tried alone and still loses updates here; the start-up probe runs a short
 * race, {@code check-storage} a long one.
 */
final class ContendedCounter {

  /** The race's outcome; {@code problem} is empty when every acknowledged increment counted. */
  record Outcome(int expected, int counted, int refused, Optional<String> problem) {}

  private ContendedCounter() {}

  /** Creates {@code key} at 0, races {@code writers} x {@code increments}, and reads the count. */
  static Outcome race(ObjectStore store, String key, int writers, int increments, Duration bound) throws InterruptedException {
    int expected = writers * increments;
    if (store.create(key, bytes(0)).isEmpty()) {
      return new Outcome(expected, 0, 0, Optional.of("the counter " + key + " could not be created"));
    }
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        futures.add(pool.submit((Callable<Void>) () -> {
          start.await();
          for (int i = 0; i < increments; i++) {
            while (true) {
              ObjectStore.Versioned current = read(store, key);
              if (store.replace(key, bytes(count(current) + 1), current.etag()).isPresent()) {
                break;
              }
              refused.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      long deadline = System.nanoTime() + bound.toNanos();
      for (Future<?> future : futures) {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      int counted = count(read(store, key));
      return new Outcome(expected, counted, refused.get(), counted == expected ? Optional.empty()
          : Optional.of("the counter ended at " + counted + " instead of " + expected + ": " + (expected - counted)
              + " acknowledged updates were lost, so the store does not decide conditional writes atomically"));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return new Outcome(expected, -1, refused.get(), Optional.of(cause instanceof Unreadable ? cause.getMessage()
          : "a writer failed during the race: " + cause.getMessage()));
    } catch (Unreadable e) {
      return new Outcome(expected, -1, refused.get(), Optional.of(e.getMessage()));
    } catch (TimeoutException e) {
      return new Outcome(expected, -1, refused.get(), Optional.of("the race did not finish within " + bound.toSeconds()
          + " s (" + refused.get() + " writes refused so far): the store is too slow or never lets a write win"));
    } finally {
      pool.shutdownNow();
    }
  }

  /** A read that shows what no writer wrote: a missing or half-written object. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  private static ObjectStore.Versioned read(ObjectStore store, String key) {
    return store.read(key).orElseThrow(() -> new Unreadable("the counter " + key
        + " was missing when read while others wrote it: the store drops objects while replacing them"));
  }

  private static int count(ObjectStore.Versioned read) {
    String text = new String(read.bytes(), StandardCharsets.UTF_8);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new Unreadable("a read while others wrote returned \"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
          + "\", bytes no writer wrote: the store shows objects half-written, so a reader could see a damaged index or user file");
    }
  }

  private static byte[] bytes(int count) {
    return Integer.toString(count).getBytes(StandardCharsets.UTF_8);
  }
}
