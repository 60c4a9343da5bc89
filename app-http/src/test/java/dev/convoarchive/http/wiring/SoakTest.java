package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Mixed load from two instances on loopback, bounded in time: no 5xx, no lost conversation, and
 * heap after full GC without an upward trend. Reports throughput, p50/p95/p99, and the throughput
 * of plain SDK GETs against the same server for comparison. The default run lasts
 * {@value #DEFAULT_SECONDS} s; -Dsoak.seconds=300 for the five-minute run.
 */
class SoakTest {

  static final int DEFAULT_SECONDS = 12;
  static final int CLIENTS = 8;

  @Test
  void mixedLoadFromTwoInstancesStaysCorrectAndBounded() throws Exception {
    int seconds = Integer.getInteger("soak.seconds", DEFAULT_SECONDS);
    try (Tokens tokens = new Tokens();
        TestService a = TestService.start(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
        TestService b = TestService.start(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens)) {
      LiveConversations live = TestStores.live();
      List<List<Conversation>> owned = new ArrayList<>();
      Map<Conversation, Boolean> archived = new ConcurrentHashMap<>();
      for (int t = 0; t < CLIENTS; t++) {
        UserId user = UserId.random();
        List<Conversation> mine = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Conversation c = Conversations.sample(user, 4);
          live.restore(c);
          mine.add(c);
          archived.put(c, false);
        }
        owned.add(mine);
      }
      List<Double> millis = new CopyOnWriteArrayList<>();
      AtomicInteger serverErrors = new AtomicInteger();
      AtomicInteger unexpected = new AtomicInteger();
      List<Long> heap = new CopyOnWriteArrayList<>();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      Thread sampler = new Thread(() -> sampleHeap(heap, seconds, deadline), "heap-sampler");
      sampler.start();

      Concurrently.run(CLIENTS, t -> () -> {
        Random random = new Random(t);
        List<Conversation> mine = owned.get(t);
        while (System.nanoTime() < deadline) {
          Conversation c = mine.get(random.nextInt(mine.size()));
          String token = tokens.hs256(tokens.userClaims(c.owner()));
          TestService instance = random.nextBoolean() ? a : b;
          int pick = random.nextInt(10);
          long t0 = System.nanoTime();
          HttpResponse<String> response;
          int expectedStatus;
          if (pick < 4) {
            boolean isArchived = archived.get(c);
            response = instance.send("POST", isArchived ? "/v1/users/me/archive/" + c.id() + "/restore"
                : "/v1/users/me/conversations/" + c.id() + "/archive", token);
            expectedStatus = isArchived ? 200 : 201;
            if (response.statusCode() == expectedStatus) {
              archived.put(c, !isArchived);
            }
          } else if (pick < 7) {
            response = instance.send("GET", "/v1/users/me/archive?limit=50", token);
            expectedStatus = 200;
          } else {
            response = instance.send("GET", "/v1/users/me/archive/" + c.id(), token);
            expectedStatus = archived.get(c) ? 200 : 404;
          }
          millis.add((System.nanoTime() - t0) / 1e6);
          if (response.statusCode() >= 500) {
            serverErrors.incrementAndGet();
          } else if (response.statusCode() != expectedStatus) {
            unexpected.incrementAndGet();
          }
        }
        return List.of();
      });
      sampler.join();
      double throughput = millis.size() / (double) seconds;

      assertThat(serverErrors).as("5xx answers").hasValue(0);
      assertThat(unexpected).as("answers that contradict the acknowledged state").hasValue(0);
      ConversationArchive archive = a.app().archive();
      for (Map.Entry<Conversation, Boolean> entry : archived.entrySet()) {
        Conversation c = entry.getKey();
        assertThat(archive.find(c.owner(), c.id()).isPresent()).as("archived %s", c.id()).isEqualTo(entry.getValue());
        assertThat(live.find(c.owner(), c.id()).isPresent()).as("live %s", c.id()).isEqualTo(!entry.getValue());
      }
      assertThat(heap).as("heap samples").hasSizeGreaterThanOrEqualTo(6);
      long first = average(heap.subList(1, 1 + heap.size() / 3));
      long last = average(heap.subList(heap.size() - heap.size() / 3, heap.size()));
      assertThat(last).as("heap after full GC at the end vs the start (bytes)").isLessThanOrEqualTo(first + first / 4 + (32L << 20));

      double sdkThroughput = directGets(Math.max(3, seconds / 4));
      double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(Locale.ROOT, "soak: %d s, %d requests from %d clients to 2 instances, %.0f req/s, p50 %.1f ms, p95 %.1f ms, "
              + "p99 %.1f ms, 0 5xx, 0 lost; heap after GC %d -> %d MB; direct SDK GETs %.0f/s; service/SDK = %.2f%n",
          seconds, sorted.length, CLIENTS, throughput, pct(sorted, 50), pct(sorted, 95), pct(sorted, 99), first >> 20, last >> 20,
          sdkThroughput, throughput / sdkThroughput);
    }
  }

  /** Heap used after a full GC, sampled evenly over the run. */
  private static void sampleHeap(List<Long> heap, int seconds, long deadline) {
    long interval = Math.max(1000L, seconds * 1000L / 12);
    while (System.nanoTime() < deadline) {
      System.gc();
      heap.add(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      try {
        Thread.sleep(interval); // the sampling period
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The same clients' worth of plain SDK GETs of a small object: what the server alone sustains. */
  private static double directGets(int seconds) throws Exception {
    try (S3Client s3 = TestStores.s3Client()) {
      String key = "soak/direct-get.json";
      s3.putObject(p -> p.bucket(TestStores.BUCKET).key(key), RequestBody.fromString("{\"entries\":[]}"));
      AtomicLong gets = new AtomicLong();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      Concurrently.run(CLIENTS, t -> () -> {
        while (System.nanoTime() < deadline) {
          s3.getObjectAsBytes(g -> g.bucket(TestStores.BUCKET).key(key));
          gets.incrementAndGet();
        }
        return List.of();
      });
      return gets.get() / (double) seconds;
    }
  }

  private static long average(List<Long> values) {
    return (long) values.stream().mapToLong(Long::longValue).average().orElse(0);
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
