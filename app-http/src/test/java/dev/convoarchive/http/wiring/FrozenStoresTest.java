package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.testing.Conversations;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.support.FreezableProxy;
import dev.convoarchive.http.support.Polling;
import dev.convoarchive.http.support.TestService;
import dev.convoarchive.http.support.TestStores;
import dev.convoarchive.http.support.Tokens;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseDbConfig;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database or S3 store that stops answering (frozen, partitioned: the connection stays open and
 * nothing comes back) must not hold requests for as long as it lasts: each answers 503 with
 * Retry-After within its bounded time, and once the store is back a retry finishes the move.
 */
class FrozenStoresTest {

  private static final Logger LOG = LoggerFactory.getLogger(FrozenStoresTest.class);
  private static final Tokens tokens = Tokens.shared();
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** Generous against 1- and 3-second timeouts, short against "as long as the outage lasts". */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  enum Frozen { DATABASE, S3 }

  @ParameterizedTest
  @EnumSource(Frozen.class)
  void requestsDuringAFreezeAnswer503InBoundedTimeAndARetryFinishesTheMove(Frozen which) {
    S3ArchiveConfig s3 = TestStores.s3Config(StorageVariant.PER_FILE_POSTGRES_INDEX);
    SupabaseDbConfig db = TestStores.database();
    URI s3Endpoint = s3.endpoint().orElseThrow();
    try (FreezableProxy dbProxy = new FreezableProxy(URI.create(db.jdbcUrl().substring(5)).getPort());
        FreezableProxy s3Proxy = new FreezableProxy(s3Endpoint.getPort())) {
      AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
      AppConfig config = base.withStorage(
          s3.withEndpoint(URI.create("http://127.0.0.1:" + s3Proxy.port()), true).withCallTimeout(TIMEOUT.multipliedBy(3)),
          db.withTimeout(TIMEOUT).withJdbcUrl(db.jdbcUrl().replace(":" + URI.create(db.jdbcUrl().substring(5)).getPort() + "/",
              ":" + dbProxy.port() + "/")));
      FreezableProxy frozen = which == Frozen.DATABASE ? dbProxy : s3Proxy;
      try (TestService service = TestService.start(config, List.of())) {
        UserId user = UserId.random();
        String token = tokens.hs256(tokens.userClaims(user));
        Conversation archivedBefore = Conversations.sample(user, 1);
        TestStores.live().restore(archivedBefore);
        assertThat(service.send("POST", "/v1/users/me/conversations/" + archivedBefore.id() + "/archive", token).statusCode())
            .isEqualTo(201);
        Conversation conversation = Conversations.sample(user, 3);
        TestStores.live().restore(conversation);
        String archive = "/v1/users/me/conversations/" + conversation.id() + "/archive";
        // Each needs the frozen store: the listing lives in the database, the conversations in S3.
        String read = which == Frozen.DATABASE ? "/v1/users/me/archive" : "/v1/users/me/archive/" + archivedBefore.id();

        frozen.freeze();
        for (String[] request : List.of(new String[] {"POST", archive}, new String[] {"GET", read})) {
          long started = System.nanoTime();
          HttpResponse<String> response = service.send(request[0], request[1], token);
          Duration took = Duration.ofNanos(System.nanoTime() - started);

          assertThat(response.statusCode()).as(request[1] + ": " + response.body()).isEqualTo(503);
          assertThat(response.headers().firstValue("Retry-After")).isPresent();
          assertThat(response.body()).contains("storage-unavailable").doesNotContain("Hikari").doesNotContain("Exception")
              .doesNotContain("archived_conversations/");
          assertThat(took).as(request[1] + " answered after " + took).isLessThan(ANSWER_WITHIN);
          LOG.warn("{} frozen: {} {} answered {} after {} ms", which, request[0], request[1].replaceAll("[0-9a-f-]{36}", "{id}"),
              response.statusCode(), took.toMillis());
        }
        frozen.thaw();

        HttpResponse<String> retried = service.send("POST", archive, token);
        assertThat(retried.statusCode()).as(retried.body()).isIn(200, 201);
        assertThat(TestStores.live().find(user, conversation.id())).isEmpty();
        assertThat(service.send("GET", "/v1/users/me/archive/" + conversation.id(), token).statusCode()).isEqualTo(200);
      }
    }
  }

  /**
   * Readiness has its own short bound: with the database frozen and 20 requests already holding
   * or queued for every pooled connection, /health/ready still says "down" within a few seconds
   * (it took the store's 15 s timeout), and the requests are no worse for it.
   */
  @org.junit.jupiter.api.Test
  void readinessAnswersWithinItsBoundWhileRequestsWaitOnAFrozenDatabase() throws Exception {
    SupabaseDbConfig db = TestStores.database();
    int port = URI.create(db.jdbcUrl().substring(5)).getPort();
    try (FreezableProxy dbProxy = new FreezableProxy(port)) {
      AppConfig base = TestService.config(StorageVariant.PER_FILE_POSTGRES_INDEX, tokens);
      AppConfig config = base.withStorage(base.s3(), db.withPoolSize(4).withTimeout(Duration.ofSeconds(15))
          .withJdbcUrl(db.jdbcUrl().replace(":" + port + "/", ":" + dbProxy.port() + "/")));
      try (TestService service = TestService.start(config, List.of())) {
        assertThat(service.send("GET", "/health/ready", null).statusCode()).isEqualTo(200);
        String token = tokens.hs256(tokens.userClaims(UserId.random()));
        dbProxy.freeze();
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
          List<java.util.concurrent.Future<Integer>> waiting = new java.util.ArrayList<>();
          for (int i = 0; i < 20; i++) {
            waiting.add(clients.submit(() -> service.send("GET", "/v1/users/me/archive", token).statusCode()));
          }
          // Every pooled connection carries a query the freeze holds; the other 16 requests queue for one.
          Polling.await("all 4 pooled connections are stuck", () -> dbProxy.held() >= 4);

          for (int probe = 0; probe < 3; probe++) {
            long started = System.nanoTime();
            HttpResponse<String> ready = service.send("GET", "/health/ready", null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("\"database\":\"down\"");
            assertThat(took).as("probe " + probe + " took " + took).isLessThan(Duration.ofSeconds(5));
            LOG.warn("database frozen, 20 requests waiting: /health/ready answered {} after {} ms", ready.statusCode(),
                took.toMillis());
          }
          dbProxy.thaw();
          for (java.util.concurrent.Future<Integer> request : waiting) {
            assertThat(request.get(60, java.util.concurrent.TimeUnit.SECONDS)).isIn(200, 503);
          }
        } finally {
          dbProxy.thaw();
          clients.shutdownNow();
        }
        Polling.await("ready again once the database answers",
            () -> service.send("GET", "/health/ready", null).statusCode() == 200);
      }
    }
  }
}
