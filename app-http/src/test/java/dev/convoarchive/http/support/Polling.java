package dev.convoarchive.http.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting on what another process or thread does, where nothing can be waited on directly. */
public final class Polling {

  private Polling() {}

  /** Returns once {@code condition} holds; fails the test naming {@code what} after 60 s. */
  public static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }
}
