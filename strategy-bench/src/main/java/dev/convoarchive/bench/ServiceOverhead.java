package dev.convoarchive.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.convoarchive.bench.Results.Overhead;
import dev.convoarchive.domain.model.Conversation;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.domain.port.LiveConversations;
import dev.convoarchive.http.config.AppConfig.AuthSettings;
import dev.convoarchive.http.config.AppConfig;
import dev.convoarchive.http.config.SweepConfig;
import dev.convoarchive.http.wiring.Application;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3ArchiveModule;
import dev.convoarchive.s3.S3Clients;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.supabase.SupabaseDatabase;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.live.IdType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Scenario "service overhead": the real service (app-http as deployed: per-file layout, PostgreSQL
 * index, a user's HS256 token on every request, access log on) over HTTP on loopback, beside
 * direct calls for the same objects in the same run: an SDK GetObject of the conversation's
 * object for retrieve, an SDK PutObject of the same bytes for archive, the catalog's query
 * in-process for list. No network model on either side: a modeled round trip would add the same
 * wait to both and hide what the service itself costs.
 *
 * <p>Both paths are warmed together under load before anything is timed (the JIT keeps raising
 * both for over a minute on two cores). Allocation is what the service's request threads allocate
 * per request (the S3 client runs on them too), against what the bench thread allocates for the
 * bare call.
 */
final class ServiceOverhead {

  static final int MANY_CLIENTS = 16;
  static final String SERVICE = "service over HTTP";
  static final String NO_NETWORK_MODEL = "none (loopback)";

  /** How long to warm and to time, and how many archives to time (each consumes a live conversation). */
  record Settings(Duration warmUp, Duration timed, int singleClientArchives, int archivesPerClient, int archived) {
    static Settings full() {
      return new Settings(Duration.ofSeconds(90), Duration.ofSeconds(8), 300, 40, 100);
    }

    static Settings quick() {
      return new Settings(Duration.ofSeconds(1), Duration.ofMillis(500), 10, 2, 20);
    }

    /** For a second pass in a JVM a first pass warmed: a third of the warm-up. */
    Settings warmedAlready() {
      return new Settings(warmUp.dividedBy(3), timed, singleClientArchives, archivesPerClient, archived);
    }
  }

  private final SupabaseDbConfig database;
  private final S3ArchiveConfig s3;
  private final AwsCredentialsProvider credentials;
  private final List<ExecutionInterceptor> network;
  private final String networkLabel;
  private final Settings settings;
  private final SampleData data = new SampleData(16);
  private final CloseableHttpClient http = HttpClients.custom()
      .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(4 * MANY_CLIENTS)
          .setMaxConnPerRoute(4 * MANY_CLIENTS).build())
      .disableContentCompression().disableAutomaticRetries().build();
  private final UserId user = UserId.random();
  private final String secret = randomSecret();
  private final String token = token(user, secret);

  private Application service;
  private S3Client direct;
  /** The archive in-process: per-file with the PostgreSQL index lists straight from the catalog's query. */
  private ConversationArchive archive;
  private LiveConversations live;
  private final List<String> archivedIds = new ArrayList<>();
  private byte[] storedBytes;

  /**
   * {@code network} (the bench's network model, or none) sees every S3 request of both paths, the
   * service's and the direct client's alike; {@code networkLabel} names it in the results.
   */
  ServiceOverhead(SupabaseDbConfig database, S3ArchiveConfig s3, AwsCredentialsProvider credentials,
      List<ExecutionInterceptor> network, String networkLabel, Settings settings) {
    this.database = database;
    this.s3 = s3.withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX);
    this.credentials = credentials;
    this.network = network;
    this.networkLabel = networkLabel;
    this.settings = settings;
  }

  List<Overhead> run() throws Exception {
    SupabaseDatabase.applySchema(database, IdType.UUID);
    AppConfig config = new AppConfig(0, s3, Optional.of(database),
        new AuthSettings(Optional.of(secret), Optional.empty()), Files.createTempDirectory("bench-service"),
        AppConfig.DEFAULT_MAX_BODY_BYTES, false, SweepConfig.off(), AppConfig.WebSettings.defaults());
    service = Application.start(config, S3ArchiveModule.withCredentials(credentials), S3ArchiveModule.withInterceptors(network));
    direct = S3Clients.create(s3, credentials, network);
    try {
      archive = service.archive();
      live = service.liveConversations();
      seed();
      warmUp();
      List<Overhead> rows = new ArrayList<>();
      rows.addAll(retrieve());
      rows.addAll(list());
      rows.addAll(archive());
      return rows;
    } finally {
      http.close();
      direct.close();
      service.close();
    }
  }

  /** The archived conversations to read and list (100 in a full run). */
  private void seed() {
    for (int i = 0; i < settings.archived(); i++) {
      Conversation conversation = data.conversation(user);
      live.restore(conversation);
      expect(send("POST", "/v1/users/me/conversations/" + conversation.id() + "/archive"), 201);
      archivedIds.add(conversation.id().value());
    }
    storedBytes = direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key(archivedIds.get(0)))).asByteArray();
  }

  /**
   * Both paths under {@value #MANY_CLIENTS} clients, every operation in turn (an archive is
   * restored again, so warming consumes nothing), for the configured time.
   */
  private void warmUp() throws Exception {
    long until = System.nanoTime() + settings.warmUp().toNanos();
    concurrently(MANY_CLIENTS, client -> {
      Conversation own = data.conversation(user);
      live.restore(own);
      for (int i = 0; System.nanoTime() < until; i++) {
        String id = archivedIds.get((client + i) % archivedIds.size());
        expect(send("GET", "/v1/users/me/archive/" + id), 200);
        direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key(id)));
        expect(send("GET", "/v1/users/me/archive?limit=50"), 200);
        archive.list(user, PageRequest.first(50));
        expect(send("POST", "/v1/users/me/conversations/" + own.id() + "/archive"), 201);
        expect(send("POST", "/v1/users/me/archive/" + own.id() + "/restore"), 200);
        directPut();
      }
    });
  }

  private List<Overhead> retrieve() throws Exception {
    AtomicInteger next = new AtomicInteger();
    Runnable viaSdk = () -> {
      String id = archivedIds.get(Math.floorMod(next.getAndIncrement(), archivedIds.size()));
      direct.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key(id)));
    };
    Runnable viaService = () -> {
      String id = archivedIds.get(Math.floorMod(next.getAndIncrement(), archivedIds.size()));
      expect(send("GET", "/v1/users/me/archive/" + id), 200);
    };
    return pair("retrieve", "SDK GetObject", viaSdk, viaService);
  }

  private List<Overhead> list() throws Exception {
    Runnable inProcess = () -> archive.list(user, PageRequest.first(50));
    Runnable viaService = () -> expect(send("GET", "/v1/users/me/archive?limit=50"), 200);
    return pair("list", "the catalog's query in-process", inProcess, viaService);
  }

  /** Timed by count, not time: each archive over HTTP moves one of the conversations seeded here. */
  private List<Overhead> archive() throws Exception {
    int total = settings.singleClientArchives() + MANY_CLIENTS * settings.archivesPerClient();
    ConcurrentLinkedQueue<String> waiting = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < total; i++) {
      Conversation conversation = data.conversation(user);
      live.restore(conversation);
      waiting.add(conversation.id().value());
    }
    Runnable viaSdk = this::directPut;
    Runnable viaService = () -> expect(send("POST", "/v1/users/me/conversations/" + waiting.remove() + "/archive"), 201);
    List<Overhead> rows = new ArrayList<>();
    rows.add(sequential("archive", "SDK PutObject", viaSdk, settings.singleClientArchives()));
    rows.add(sequential("archive", SERVICE, viaService, settings.singleClientArchives()));
    rows.add(parallel("archive", "SDK PutObject", viaSdk, settings.archivesPerClient()));
    rows.add(parallel("archive", SERVICE, viaService, settings.archivesPerClient()));
    return rows;
  }

  private void directPut() {
    direct.putObject(b -> b.bucket(s3.bucket()).key(s3.prefix() + "/bench-direct/" + java.util.UUID.randomUUID() + ".json")
        .contentType("application/json").contentEncoding("gzip"), RequestBody.fromBytes(storedBytes));
  }

  /** One client, then many, each path in turn, each for the configured time. */
  private List<Overhead> pair(String operation, String directPath, Runnable viaDirect, Runnable viaService) throws Exception {
    List<Overhead> rows = new ArrayList<>();
    rows.add(timedSequential(operation, directPath, viaDirect));
    rows.add(timedSequential(operation, SERVICE, viaService));
    rows.add(timedParallel(operation, directPath, viaDirect));
    rows.add(timedParallel(operation, SERVICE, viaService));
    return rows;
  }

  private Overhead timedSequential(String operation, String path, Runnable call) {
    long until = System.nanoTime() + settings.timed().toNanos();
    return measureSequential(operation, path, call, () -> System.nanoTime() < until);
  }

  private Overhead sequential(String operation, String path, Runnable call, int count) {
    AtomicInteger left = new AtomicInteger(count);
    return measureSequential(operation, path, call, () -> left.getAndDecrement() > 0);
  }

  /** One client: latency of each call, and the bytes allocated per call by whichever threads do the work. */
  private Overhead measureSequential(String operation, String path, Runnable call, java.util.function.BooleanSupplier more) {
    boolean viaService = path.equals(SERVICE);
    List<Double> millis = new ArrayList<>();
    java.util.Map<Long, Long> serviceBefore = requestThreadsAllocated();
    long directBefore = currentThreadAllocated();
    long began = System.nanoTime();
    while (more.getAsBoolean()) {
      long t0 = System.nanoTime();
      call.run();
      millis.add((System.nanoTime() - t0) / 1e6);
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    long allocated = viaService ? allocatedSince(serviceBefore) : currentThreadAllocated() - directBefore;
    return new Overhead(networkLabel, operation, path, 1, millis.size(), millis.size() / seconds, Stats.of(millis),
        (double) allocated / millis.size(), Double.NaN);
  }

  private Overhead timedParallel(String operation, String path, Runnable call) throws Exception {
    long until = System.nanoTime() + settings.timed().toNanos();
    return measureParallel(operation, path, client -> {
      int done = 0;
      while (System.nanoTime() < until) {
        call.run();
        done++;
      }
      return done;
    });
  }

  private Overhead parallel(String operation, String path, Runnable call, int perClient) throws Exception {
    return measureParallel(operation, path, client -> {
      for (int i = 0; i < perClient; i++) {
        call.run();
      }
      return perClient;
    });
  }

  private interface Client {
    int run(int client) throws Exception;
  }

  /**
   * {@value #MANY_CLIENTS} clients at once: calls per second over the whole run, and the machine's
   * CPU time per call (every process: this one, the embedded servers, PostgreSQL).
   */
  private Overhead measureParallel(String operation, String path, Client client) throws Exception {
    List<Integer> counts = Collections.synchronizedList(new ArrayList<>());
    MachineCpu.Sample cpuBefore = MachineCpu.sample();
    long began = System.nanoTime();
    concurrently(MANY_CLIENTS, c -> counts.add(client.run(c)));
    double seconds = (System.nanoTime() - began) / 1e9;
    double busy = MachineCpu.busySince(cpuBefore);
    int calls = counts.stream().mapToInt(Integer::intValue).sum();
    double cpuMillisPerCall = busy * Runtime.getRuntime().availableProcessors() * seconds * 1000 / calls;
    return new Overhead(networkLabel, operation, path, MANY_CLIENTS, calls, calls / seconds, Stats.of(List.of()), Double.NaN,
        cpuMillisPerCall);
  }

  private interface Work {
    void run(int client) throws Exception;
  }

  private static void concurrently(int clients, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          start.await();
          work.run(client);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- HTTP ----

  /** An answer's status and body. */
  private record Answer(String request, int status, byte[] body) {}

  /** A request as a client that takes gzip sends it; the body is read whole, as an SDK GET reads the object. */
  private Answer send(String method, String path) {
    ClassicHttpRequest request = ClassicRequestBuilder.create(method).setUri("http://127.0.0.1:" + service.port() + path)
        .addHeader("Authorization", "Bearer " + token).addHeader("Accept-Encoding", "gzip").build();
    try {
      return http.execute(request, response -> new Answer(method + " " + path, response.getCode(),
          response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void expect(Answer answer, int status) {
    if (answer.status() != status) {
      throw new IllegalStateException(answer.request() + " answered " + answer.status() + ", expected " + status + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
  }

  private String key(String id) {
    return s3.prefix() + "/" + user + "/" + id + ".json";
  }

  /** A user's token as Supabase Auth issues it, signed with the project's legacy HS256 secret. */
  private static String token(UserId user, String secret) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user.toString()).audience("authenticated")
        .claim("role", "authenticated").issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(6))))
        .build();
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
      jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[48];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // ---- allocation ----

  private static long currentThreadAllocated() {
    return threads().getCurrentThreadAllocatedBytes();
  }

  /**
   * What each of the service's Jetty threads has allocated so far: they run the whole request, S3
   * client included.
   */
  private static java.util.Map<Long, Long> requestThreadsAllocated() {
    java.util.Map<Long, Long> allocated = new java.util.HashMap<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("JettyServerThreadPool")) {
        allocated.put(thread.getId(), Math.max(0, threads().getThreadAllocatedBytes(thread.getId())));
      }
    }
    return allocated;
  }

  /** Allocated by the Jetty threads since {@code before}, thread by thread (a thread started meanwhile counts whole). */
  private static long allocatedSince(java.util.Map<Long, Long> before) {
    long total = 0;
    for (var now : requestThreadsAllocated().entrySet()) {
      total += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return total;
  }

  private static com.sun.management.ThreadMXBean threads() {
    return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  }
}
