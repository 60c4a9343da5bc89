package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.domain.testing.Concurrently;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.testing.Faults;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Archive, restore and delete across two service instances while S3 fails 15% of requests
 * (dropped connections, 503 SlowDown, 500 after doing the work). Every acknowledged response must
 * be the truth afterwards; every failure must be a 503 with Retry-After whose retry finishes the job.
 * The default run makes {@value #DEFAULT_OPERATIONS} operations; -Dreliability.operations=500 for the long run.
 */
class FaultInjectionTest {

  static final int DEFAULT_OPERATIONS = 100;
  static final double FAULT_RATE = 0.15;

  enum Where { LIVE, ARCHIVED, DELETED }

  private static final Tokens tokens = Tokens.shared();

  @ParameterizedTest
  @EnumSource(StorageVariant.class)
  void everyAcknowledgedOperationHoldsAndEveryFailureCanBeFinished(StorageVariant variant) throws Exception {
    int operations = Integer.getInteger("reliability.operations", DEFAULT_OPERATIONS);
    Faults chaosA = new Faults();
    Faults chaosB = new Faults();
    try (TestService a = TestService.start(TestService.config(variant, tokens), List.of(chaosA));
        TestService b = TestService.start(TestService.config(variant, tokens), List.of(chaosB))) {
      LiveConversations live = TestStores.live();
      int workers = 6;
      List<UserId> users = List.of(UserId.random(), UserId.random(), UserId.random());
      List<Conversation> conversations = new ArrayList<>();
      Map<Conversation, Where> expected = new ConcurrentHashMap<>();
      // A conversation takes about eight operations before a delete ends it; keep enough for the run.
      int perWorker = 6 + operations / 40;
      for (int i = 0; i < workers * perWorker; i++) {
        Conversation c = Conversations.sample(users.get(i % users.size()), 3);
        live.restore(c);
        conversations.add(c);
        expected.put(c, Where.LIVE);
      }
      chaosA.rate(FAULT_RATE);
      chaosB.rate(FAULT_RATE);
      AtomicInteger done = new AtomicInteger();
      AtomicInteger unavailable = new AtomicInteger();
      AtomicInteger retries = new AtomicInteger();
      List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());

      // Each worker owns every sixth conversation, so each conversation's operations are in order.
      Concurrently.run(workers, w -> () -> {
        Random random = new Random(w);
        List<Conversation> mine = new ArrayList<>();
        for (int i = w; i < conversations.size(); i += workers) {
          mine.add(conversations.get(i));
        }
        while (done.get() < operations) {
          Conversation c = mine.get(random.nextInt(mine.size()));
          Where now = expected.get(c);
          if (now == Where.DELETED) {
            if (mine.stream().allMatch(m -> expected.get(m) == Where.DELETED)) {
              break;
            }
            continue;
          }
          String token = tokens.hs256(tokens.userClaims(c.owner()));
          String method;
          String path;
          Where after;
          if (now == Where.LIVE) {
            method = "POST";
            path = "/v1/users/me/conversations/" + c.id() + "/archive";
            after = Where.ARCHIVED;
          } else if (random.nextInt(4) == 0) {
            method = "DELETE";
            path = "/v1/users/me/archive/" + c.id();
            after = Where.DELETED;
          } else {
            method = "POST";
            path = "/v1/users/me/archive/" + c.id() + "/restore";
            after = Where.LIVE;
          }
          // Retry a 503 until it succeeds, as a client told Retry-After would.
          while (true) {
            TestService instance = random.nextBoolean() ? a : b;
            HttpResponse<String> response = instance.send(method, path, token);
            int status = response.statusCode();
            if (status == 503) {
              unavailable.incrementAndGet();
              if (response.headers().firstValue("Retry-After").isEmpty()) {
                wrong.add("503 without Retry-After: " + response.body());
              }
              retries.incrementAndGet();
              continue;
            }
            // A delete whose write went through while S3's answer was lost is retried by the SDK,
            // which then finds nothing to delete: 404 says the conversation is gone, as asked.
            boolean deleteAlreadyDone = method.equals("DELETE") && status == 404;
            if (status >= 200 && status < 300 || deleteAlreadyDone) {
              expected.put(c, after);
            } else {
              wrong.add(method + " " + path + " -> " + status + " " + response.body());
            }
            break;
          }
          done.incrementAndGet();
        }
        return List.of();
      });
      chaosA.rate(0);
      chaosB.rate(0);

      assertThat(wrong).as("answers other than success or 503 with Retry-After").isEmpty();
      assertThat(done.get()).as("operations run").isGreaterThanOrEqualTo(operations);
      assertThat(chaosA.injected() + chaosB.injected()).as("faults injected").isPositive();
      ConversationArchive archive = a.app().archive();
      for (Conversation c : conversations) {
        Where where = expected.get(c);
        boolean isLive = live.find(c.owner(), c.id()).isPresent();
        boolean isArchived = archive.find(c.owner(), c.id()).isPresent();
        assertThat(new boolean[] {isLive, isArchived}).as("%s expected %s", c.id(), where)
            .containsExactly(where == Where.LIVE, where == Where.ARCHIVED);
      }
      for (UserId user : users) {
        List<ArchiveEntry> listed = archive.list(user, PageRequest.first(1000)).items();
        long archivedForUser = conversations.stream()
            .filter(c -> c.owner().equals(user) && expected.get(c) == Where.ARCHIVED).count();
        assertThat(listed).as("the listing of %s", user).hasSize((int) archivedForUser);
      }
      System.out.printf("fault injection (%s): %d operations, %d S3 requests, %d faults injected "
              + "(%d dropped, %d SlowDown, %d InternalError), %d HTTP 503s retried, 0 lost%n",
          variant, done.get(), chaosA.requests.get() + chaosB.requests.get(), chaosA.injected() + chaosB.injected(),
          chaosA.dropped.get() + chaosB.dropped.get(), chaosA.slowDown.get() + chaosB.slowDown.get(),
          chaosA.internalError.get() + chaosB.internalError.get(), retries.get());
    }
  }
}
