package dev.convoarchive.s3.cas;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: sleep a random time between 0 and
 * {@code min(cap, base * 2^attempt)}, so that writers that collided spread out instead of colliding
 * again in lock-step.
 */
final class Backoff {

  private final long baseMillis;
  private final long capMillis;

  Backoff(long baseMillis, long capMillis) {
    this.baseMillis = baseMillis;
    this.capMillis = capMillis;
  }

  static Backoff standard() {
    return new Backoff(10, 1_000);
  }

  long delayMillis(int attempt) {
    long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  void pause(int attempt) {
    try {
      Thread.sleep(delayMillis(attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }
}
