package dev.convoarchive.domain.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs tasks so that they really overlap: all start behind one latch. */
public final class Concurrently {

  private Concurrently() {}

  /**
   * Starts {@code threads} tasks at once and gathers what they return, in thread order. The first
   * failure of any task is rethrown.
   */
  public static <T> List<T> run(int threads, IntFunction<Callable<List<T>>> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<T>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<List<T>> body = task.apply(t);
        futures.add(pool.submit(() -> {
          start.await();
          return body.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<List<T>> future : futures) {
        results.addAll(future.get(5, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
