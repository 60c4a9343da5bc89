package dev.convoarchive.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.http.support.ServiceExtension;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slowloris: a thousand connections that send a request head and then trickle the body (or the
 * head itself) a byte at a time, reconnecting whenever the service hangs up, while a signed-in
 * user lists their archive. The user's requests must keep answering promptly.
 */
class SlowClientsTest {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClientsTest.class);
  private static final Tokens tokens = Tokens.shared();
  private static final int SLOW_CONNECTIONS = 1000;
  private static final Duration ATTACK = Duration.ofSeconds(10);
  private static final Duration TRICKLE_EVERY = Duration.ofSeconds(1);

  @RegisterExtension
  static final ServiceExtension running = ServiceExtension.of(StorageVariant.PER_FILE_POSTGRES_INDEX);

  /** One slow connection: what it sends up front, and one byte of more each round. */
  private static final class Slow {
    final String head;
    Socket socket;

    Slow(String head) {
      this.head = head;
    }

    void open(URI base) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends one more byte; false when the service has hung up. */
    boolean trickle() {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head.endsWith("\r\n\r\n") ? '1' : 'X');
        out.flush();
        return true;
      } catch (IOException hungUp) {
        return false;
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // gone already
      }
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aThousandSlowConnectionsDoNotStopSignedInUsers() throws Exception {
    URI base = running.service().base();
    String archive = "/v1/users/me/conversations/c1/archive";
    String userToken = tokens.hs256(tokens.userClaims(UserId.random()));
    List<Slow> slow = new ArrayList<>();
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
      slow.add(new Slow(switch (i % 3) {
        // No credentials, a body that never finishes.
        case 0 -> "POST " + archive + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        // Valid credentials, same body: passes the checks that come before the body.
        case 1 -> "POST " + archive + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + userToken
            + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
        // A head that never finishes.
        default -> "GET /v1/users/me/archive HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      }));
    }
    for (Slow connection : slow) {
      connection.open(base);
    }
    AtomicInteger reconnects = new AtomicInteger();
    long attackEnds = System.nanoTime() + ATTACK.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      Future<?> attack = pool.submit(() -> {
        while (System.nanoTime() < attackEnds) {
          for (Slow connection : slow) {
            if (!connection.trickle()) {
              connection.close();
              try {
                connection.open(base);
                reconnects.incrementAndGet();
              } catch (IOException refused) {
                // try again next round
              }
            }
          }
          Thread.sleep(TRICKLE_EVERY.toMillis());
        }
        return null;
      });
      Thread.sleep(2_000); // let every slow connection be in place
      List<Long> millis = Collections.synchronizedList(new ArrayList<>());
      List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
      List<Future<?>> users = new ArrayList<>();
      String token = tokens.hs256(tokens.userClaims(UserId.random()));
      for (int u = 0; u < 4; u++) {
        users.add(pool.submit(() -> {
          while (System.nanoTime() < attackEnds) {
            long started = System.nanoTime();
            HttpResponse<String> response = running.service().send("GET", "/v1/users/me/archive", token);
            millis.add((System.nanoTime() - started) / 1_000_000);
            statuses.add(response.statusCode());
          }
          return null;
        }));
      }
      for (Future<?> user : users) {
        user.get();
      }
      attack.get();

      List<Long> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      long p50 = sorted.get(sorted.size() / 2);
      long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
      LOG.warn("slow connections {}, reconnects {}, user requests {}, p50 {} ms, p99 {} ms, max {} ms",
          SLOW_CONNECTIONS, reconnects.get(), sorted.size(), p50, p99, sorted.get(sorted.size() - 1));
      assertThat(statuses).as("every signed-in request answered").isNotEmpty().allMatch(status -> status == 200);
      assertThat(sorted.size()).as("signed-in requests served during the attack").isGreaterThan(100);
      assertThat(p99).as("p99 of signed-in requests, ms").isLessThan(1_000);
    } finally {
      pool.shutdownNow();
      slow.forEach(Slow::close);
    }
  }
}
