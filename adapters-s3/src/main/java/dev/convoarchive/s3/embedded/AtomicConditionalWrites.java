package dev.convoarchive.s3.embedded;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * S3Mock checks a write's {@code If-None-Match} / {@code If-Match} condition and then writes, in
 * two steps: two concurrent conditional writes to one key can both pass the check and both
 * succeed (seen here: 4 of 6 concurrent creates of one key "won"). S3 itself decides them
 * atomically, and the layouts depend on that. This filter, added to the embedded server's Spring
 * context, makes every write to one object path run alone, so the embedded server keeps S3's
 * guarantee. Locks are striped by path, so they do not grow with the number of keys.
 */
@Configuration(proxyBeanMethods = false)
public class AtomicConditionalWrites {

  private static final int STRIPES = 1024;
  private static final ReentrantLock[] LOCKS = new ReentrantLock[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      LOCKS[i] = new ReentrantLock();
    }
  }

  @Bean
  public Filter serializeWritesPerObject() {
    return (request, response, chain) -> {
      HttpServletRequest http = (HttpServletRequest) request;
      String method = http.getMethod();
      if (!method.equals("PUT") && !method.equals("DELETE") && !method.equals("POST")) {
        chain.doFilter(request, response);
        return;
      }
      ReentrantLock lock = LOCKS[Math.floorMod(http.getRequestURI().hashCode(), STRIPES)];
      lock.lock();
      try {
        chain.doFilter(request, response);
      } finally {
        lock.unlock();
      }
    };
  }
}
