package dev.convoarchive.s3.embedded;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives the embedded S3Mock the object-level atomicity S3 has, which the layouts depend on:
 *
 * <ul>
 *   <li>S3Mock checks a write's {@code If-None-Match} / {@code If-Match} condition and then writes,
 *       in two steps, so two concurrent conditional writes to one key can both succeed (seen here:
 *       4 of 6 concurrent creates of one key "won").
 *   <li>It writes an object's file in place, so a read streaming that key meanwhile can return a
 *       torn body (seen here: gzip data cut short).
 * </ul>
 *
 * This filter, added to the embedded server's Spring context, makes writes to one object path
 * exclusive and lets reads of it share, holding a read until its response has been streamed
 * (S3Mock streams bodies asynchronously). Locks are striped by path, so they do not grow with
 * the number of keys, and each request holds one stripe, so they cannot deadlock.
 */
@Configuration(proxyBeanMethods = false)
public class AtomicConditionalWrites {

  private static final int STRIPES = 1024;
  private static final StampedLock[] LOCKS = new StampedLock[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      LOCKS[i] = new StampedLock();
    }
  }

  @Bean
  public Filter objectLevelAtomicity() {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      StampedLock lock = LOCKS[Math.floorMod(http.getRequestURI().hashCode(), STRIPES)];
      boolean read = http.getMethod().equals("GET") || http.getMethod().equals("HEAD");
      long stamp = read ? lock.readLock() : lock.writeLock();
      AtomicBoolean released = new AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) {
          lock.unlock(stamp);
        }
      };
      try {
        chain.doFilter(request, response);
      } finally {
        if (request.isAsyncStarted()) {
          request.getAsyncContext().addListener(new ReleaseWhenDone(release));
        } else {
          release.run();
        }
      }
    };
  }

  private record ReleaseWhenDone(Runnable release) implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onError(AsyncEvent event) {
      release.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // the same request continues; the release stays pending
    }
  }
}
