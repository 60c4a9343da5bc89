package dev.convoarchive.bench;

import com.sun.management.ThreadMXBean;
import dev.convoarchive.bench.Results.Concurrency;
import dev.convoarchive.bench.Results.Cost;
import dev.convoarchive.bench.Results.FailedUpload;
import dev.convoarchive.bench.Results.Growth;
import dev.convoarchive.bench.Results.OpSample;
import dev.convoarchive.bench.Results.OpSummary;
import dev.convoarchive.domain.error.ContentionException;
import dev.convoarchive.domain.model.ArchiveEntry;
import dev.convoarchive.domain.model.ArchivedConversation;
import dev.convoarchive.domain.model.ConversationId;
import dev.convoarchive.domain.model.Page;
import dev.convoarchive.domain.model.PageRequest;
import dev.convoarchive.domain.model.UserId;
import dev.convoarchive.domain.port.ConversationArchive;
import dev.convoarchive.s3.ObjectKeys;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.StorageVariant;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The six scenarios, run on every storage variant against one endpoint through one {@link Meter}. */
final class Scenarios {

  static final List<String> OPERATIONS = List.of("archive", "retrieve", "list", "delete");
  /**
   * A bare SDK PUT of one conversation-sized object into the same bucket at the same size: the
   * floor an archive cannot go under, and what the S3 server itself makes grow with a bucket.
   */
  static final String RAW_PUT = "raw-put";
  /** How often a concurrent writer tries one archive that keeps being refused as contended. */
  static final int MAX_CLIENT_ATTEMPTS = 10;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final Machine.Factory machines;
  private final S3Client client;
  /** The bucket of each scenario: (variant, archive size or 0). */
  private final java.util.function.BiFunction<StorageVariant, Integer, String> buckets;
  /** Machines started by this run, one per configuration and role, reused and closed with it. */
  private final java.util.Map<String, Machine> started = new java.util.LinkedHashMap<>();
  private final S3ArchiveConfig base;
  private final Meter meter;
  private final FailNextUpload failures;
  private final SampleData data = new SampleData(42);
  private final Random random = new Random(7);
  private final ProgressBar progress;
  /** Stored bytes of the growing-archive user per "VARIANT|size", for the cost model. */
  final java.util.Map<String, Long> storedAt = new java.util.concurrent.ConcurrentHashMap<>();

  /** Fails the next upload of a conversation or user file before it reaches the server. */
  static final class FailNextUpload implements ExecutionInterceptor {
    final AtomicBoolean armed = new AtomicBoolean();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      if (context.request() instanceof PutObjectRequest put && !ObjectKeys.isIndex(put.key())
          && armed.compareAndSet(true, false)) {
        throw SdkClientException.create("bench: upload of " + put.key() + " broke off");
      }
    }
  }

  Scenarios(Machine.Factory machines, S3Client client, S3ArchiveConfig base, java.util.function.BiFunction<StorageVariant, Integer, String> buckets,
      Meter meter, FailNextUpload failures, ProgressBar progress) {
    this.machines = machines;
    this.buckets = buckets;
    this.client = client;
    this.base = base;
    this.meter = meter;
    this.failures = failures;
    this.progress = progress;
  }

  /** The machine for {@code config} in {@code role} ("first", "second"): started once, then reused. */
  private Machine machine(S3ArchiveConfig config, String role) {
    return started.computeIfAbsent(config + "|" + role, key -> machines.start(config));
  }

  /** The configuration of {@code variant} in the bucket that scenario (archive size, 0 for the others) runs in. */
  private S3ArchiveConfig config(StorageVariant variant, int size) {
    return base.withVariant(variant).withBucket(buckets.apply(variant, size));
  }

  private Machine machine(StorageVariant variant, int size) {
    return machine(config(variant, size), "first");
  }

  /** Closes every machine the run started. */
  void closeMachines() throws Exception {
    for (Machine machine : started.values()) {
      machine.close();
    }
    started.clear();
  }

  /**
   * Runs every operation of every variant in turn, untimed, for {@code duration}: the variant
   * measured first then meets the same warmed JVM as the ones after it (without this, the first
   * one's latencies were about 12 ms higher, seen in its bare-PUT reference).
   */
  void warmUp(List<StorageVariant> variants, java.time.Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    UserId owner = UserId.random();
    while (System.nanoTime() < until) {
      for (StorageVariant variant : variants) {
        ConversationArchive archive = machine(variant, 0).archive();
        ArchivedConversation fresh = data.archived(owner, SampleData.EPOCH);
        archive.store(fresh);
        archive.find(owner, fresh.id()).orElseThrow();
        archive.list(owner, PageRequest.first(100));
        archive.delete(owner, fresh.id());
      }
    }
  }

  /** Scenario 1 (and 5, allocation): each operation, repeated, as one user's archive grows. */
  List<OpSample> growingArchive(StorageVariant variant, int size, int repeats) {
    Machine machine = machine(variant, size);
    ConversationArchive archive = machine.archive();
    String bucket = config(variant, size).bucket();
    UserId owner = UserId.random();
    List<ArchivedConversation> seeded = new ArrayList<>();
    Instant at = SampleData.EPOCH;
    for (int i = 0; i < size; i++) {
      seeded.add(data.archived(owner, at = at.plusSeconds(60)));
    }
    machine.bulk().load(owner, seeded);
    byte[] conversationSized = gzip(seeded.get(0));
    List<OpSample> samples = new ArrayList<>();
    int warmUps = 2;
    for (int round = 0; round < warmUps + repeats; round++) {
      boolean measured = round >= warmUps;
      ArchivedConversation fresh = data.archived(owner, at = at.plusSeconds(60));
      ConversationId existing = seeded.get(random.nextInt(seeded.size())).id();
      record(samples, measured, variant, size, "archive", () -> archive.store(fresh));
      record(samples, measured, variant, size, "retrieve", () -> archive.find(owner, existing).orElseThrow());
      record(samples, measured, variant, size, "list", () -> archive.list(owner, PageRequest.first(100)));
      record(samples, measured, variant, size, "delete", () -> archive.delete(owner, fresh.id()));
      String rawKey = "raw-put/" + owner + "/" + fresh.id() + ".json";
      record(samples, measured, variant, size, RAW_PUT, () -> client.putObject(b -> b.bucket(bucket).key(rawKey)
          .contentType("application/json").contentEncoding("gzip"), RequestBody.fromBytes(conversationSized)));
      progress.step();
    }
    storedAt.put(variant.name() + "|" + size, storedBytes(config(variant, size), variant, owner));
    return samples;
  }

  private void record(List<OpSample> samples, boolean measured, StorageVariant variant, int size, String operation,
      Supplier<?> op) {
    Meter.Tally tally = meter.reset();
    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
    long started = System.nanoTime();
    op.get();
    long nanos = System.nanoTime() - started;
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    if (measured) {
      samples.add(new OpSample(variant, size, operation, nanos / 1e6, tally.totalRequests(),
          new java.util.TreeMap<>(tally.requests), tally.bytesUp, tally.bytesDown, allocated));
    }
  }

  /** A conversation as gzipped JSON, about the size the archive stores. */
  private static byte[] gzip(ArchivedConversation conversation) {
    try {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes)) {
        out.write(JSON.writeValueAsBytes(conversation.conversation().messages().stream().map(m -> m.content()).toList()));
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The JSON size of one sample conversation as a per-file variant stores it (uncompressed), in
   * {@code variant}'s configuration (so that a store serving only one variant can run this too).
   */
  long conversationJsonBytes(StorageVariant variant) {
    // Every per-file variant stores the same object; the S3 index's needs no database.
    StorageVariant perFile = variant.needsDatabaseCatalog() ? variant : StorageVariant.PER_FILE_S3_INDEX;
    ConversationArchive plain = machine(config(variant, 0).withVariant(perFile)
        .withCompression(dev.convoarchive.s3.Compression.NONE), "first").archive();
    return plain.store(data.archived(UserId.random(), SampleData.EPOCH)).entry().sizeBytes();
  }

  /** How many bytes the user's archive takes in the bucket. */
  long storedBytes(S3ArchiveConfig config, StorageVariant variant, UserId owner) {
    return userObjects(config, variant, owner).stream().mapToLong(S3Object::size).sum();
  }

  private List<S3Object> userObjects(S3ArchiveConfig config, StorageVariant variant, UserId owner) {
    String prefix = variant.userObjects(config.prefix(), owner);
    return client.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix)).contents().stream().toList();
  }

  /**
   * Scenario 2: {@code writers} threads on two "machines" (archives with their own clients) each
   * archive {@code perWriter} conversations, all for one user or each for their own. Every
   * acknowledged archive must be listed and retrievable afterwards; what is not is a lost update.
   */
  Concurrency concurrentWriters(StorageVariant variant, int writers, int perWriter, boolean oneUser) throws Exception {
    List<Machine> pair = List.of(machine(config(variant, 0), "first"), machine(config(variant, 0), "second"));
    long retriesBefore = pair.get(0).casRetries().get() + pair.get(1).casRetries().get();
    List<ConversationArchive> machines = List.of(pair.get(0).archive(), pair.get(1).archive());
    UserId shared = UserId.random();
    List<UserId> owners = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      owners.add(oneUser ? shared : UserId.random());
    }
    List<List<ArchivedConversation>> work = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      List<ArchivedConversation> mine = new ArrayList<>();
      for (int i = 0; i < perWriter; i++) {
        mine.add(data.archived(owners.get(w), SampleData.EPOCH.plusSeconds(w * 1000L + i)));
      }
      work.add(mine);
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Double> millis = java.util.Collections.synchronizedList(new ArrayList<>());
    List<ArchivedConversation> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch warmed = new CountDownLatch(writers);
    CountDownLatch start = new CountDownLatch(1);
    long began;
    MachineCpu.Sample cpuBefore;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        ConversationArchive machine = machines.get(w % 2);
        List<ArchivedConversation> mine = work.get(w);
        ArchivedConversation warmUp = data.archived(UserId.random(), SampleData.EPOCH.minusSeconds(w + 1));
        futures.add(pool.submit((Callable<Void>) () -> {
          // One untimed archive each first: the timing starts with every client's connections and
          // the database pool open, not with 32 of them being opened at once.
          try {
            machine.store(warmUp);
          } finally {
            warmed.countDown();
          }
          start.await();
          for (ArchivedConversation conversation : mine) {
            long t0 = System.nanoTime();
            // A store that ran out of compare-and-swap attempts answers 503 over HTTP, and the
            // client tries again: so does this writer, and the refusals are counted.
            for (int attempt = 1; ; attempt++) {
              try {
                machine.store(conversation);
                break;
              } catch (ContentionException contended) {
                refused.incrementAndGet();
                if (attempt == MAX_CLIENT_ATTEMPTS) {
                  throw contended;
                }
              }
            }
            millis.add((System.nanoTime() - t0) / 1e6);
            acknowledged.add(conversation);
          }
          return null;
        }));
      }
      warmed.await();
      cpuBefore = MachineCpu.sample();
      began = System.nanoTime();
      start.countDown();
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    double cpuBusy = MachineCpu.busySince(cpuBefore);
    // Each owner's listing once, from the other machine; every acknowledged archive must be in it and retrievable.
    java.util.Map<UserId, java.util.Set<ConversationId>> listed = new java.util.HashMap<>();
    for (UserId owner : new java.util.HashSet<>(owners)) {
      listed.put(owner, listAll(machines.get(1), owner).stream().map(ArchiveEntry::id).collect(java.util.stream.Collectors.toSet()));
    }
    int found = 0;
    for (ArchivedConversation conversation : acknowledged) {
      if (listed.get(conversation.owner()).contains(conversation.id())
          && machines.get(0).find(conversation.owner(), conversation.id()).isPresent()) {
        found++;
      }
    }
    progress.step();
    return new Concurrency(variant, oneUser ? "one user" : "distinct users", writers, acknowledged.size(), found,
        acknowledged.size() - found, acknowledged.size() / seconds, Stats.of(millis),
        pair.get(0).casRetries().get() + pair.get(1).casRetries().get() - retriesBefore, refused.get(), cpuBusy);
  }

  private static List<ArchiveEntry> listAll(ConversationArchive archive, UserId owner) {
    List<ArchiveEntry> all = new ArrayList<>();
    Page<ArchiveEntry> page = archive.list(owner, PageRequest.first(1000));
    all.addAll(page.items());
    while (page.hasMore()) {
      page = archive.list(owner, new PageRequest(1000, dev.convoarchive.domain.model.Cursor.decode(page.nextCursor())));
      all.addAll(page.items());
    }
    return all;
  }

  /** Scenario 3: {@code perMonth} archives a month for {@code months} months on one user. */
  List<Growth> growthOverTime(StorageVariant variant, int months, int perMonth) {
    ConversationArchive archive = machine(variant, 0).archive();
    UserId owner = UserId.random();
    List<Growth> points = new ArrayList<>();
    Instant at = SampleData.EPOCH;
    for (int month = 1; month <= months; month++) {
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < perMonth; i++) {
        ArchivedConversation conversation = data.archived(owner, at = at.plus(Duration.ofHours(72)));
        long t0 = System.nanoTime();
        archive.store(conversation);
        millis.add((System.nanoTime() - t0) / 1e6);
      }
      List<S3Object> objects = userObjects(config(variant, 0), variant, owner);
      points.add(new Growth(variant, month, month * perMonth,
          objects.stream().mapToLong(S3Object::size).max().orElse(0), objects.stream().mapToLong(S3Object::size).sum(),
          Stats.of(millis)));
      progress.step();
    }
    return points;
  }

  /**
   * Scenario 6: the upload of a new conversation (per-file: its object; single-file: the whole
   * rewritten file) breaks off. What was sent is wasted; the retry sends it again. Afterwards every
   * conversation must still be there.
   */
  FailedUpload failedUpload(StorageVariant variant, int size) {
    Machine machine = machine(variant, 0);
    ConversationArchive archive = machine.archive();
    UserId owner = UserId.random();
    List<ArchivedConversation> seeded = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      seeded.add(data.archived(owner, SampleData.EPOCH.plusSeconds(i)));
    }
    machine.bulk().load(owner, seeded);
    ArchivedConversation fresh = data.archived(owner, SampleData.EPOCH.plusSeconds(size + 1));
    failures.armed.set(true);
    Meter.Tally failed = meter.reset();
    try {
      archive.store(fresh);
      throw new IllegalStateException("the injected upload failure did not happen");
    } catch (RuntimeException expected) {
      if (expected instanceof IllegalStateException && expected.getMessage().startsWith("the injected")) {
        throw expected;
      }
    }
    long wasted = failed.bytesUp;
    Meter.Tally retry = meter.reset();
    archive.store(fresh);
    long retried = retry.bytesUp;
    int present = listAll(archive, owner).size();
    progress.step();
    return new FailedUpload(variant, size, wasted, retried, size + 1 - present);
  }

  static List<OpSummary> summarize(List<OpSample> samples, java.util.function.BiFunction<StorageVariant, Integer, Long> stored) {
    List<OpSummary> summaries = new ArrayList<>();
    samples.stream().map(s -> s.variant().name() + "|" + s.archiveSize() + "|" + s.operation()).distinct().forEach(key -> {
      String[] parts = key.split("\\|");
      StorageVariant variant = StorageVariant.valueOf(parts[0]);
      List<OpSample> group = samples.stream()
          .filter(s -> s.variant() == variant && s.archiveSize() == Integer.parseInt(parts[1]) && s.operation().equals(parts[2]))
          .toList();
      summaries.add(new OpSummary(variant, Integer.parseInt(parts[1]), parts[2], Stats.of(group.stream().map(OpSample::millis).toList()),
          Stats.of(group.stream().map(s -> (double) s.requests()).toList()).p50(),
          Stats.of(group.stream().map(s -> (double) puts(s)).toList()).p50(),
          Stats.of(group.stream().map(s -> (double) gets(s)).toList()).p50(),
          Stats.of(group.stream().map(s -> (double) s.bytesUp()).toList()).p50(),
          Stats.of(group.stream().map(s -> (double) s.bytesDown()).toList()).p50(),
          Stats.of(group.stream().map(s -> (double) s.allocatedBytes()).toList()).p50(),
          stored.apply(variant, Integer.parseInt(parts[1]))));
    });
    return summaries;
  }

  /** S3 bills PUT, COPY, POST and LIST at the PUT rate; GET and HEAD (and the rest) at the GET rate. */
  static int puts(OpSample sample) {
    return sample.requestsByOperation().entrySet().stream()
        .filter(e -> e.getKey().startsWith("Put") || e.getKey().startsWith("List") || e.getKey().equals("DeleteObjects"))
        .mapToInt(java.util.Map.Entry::getValue).sum();
  }

  static int gets(OpSample sample) {
    return sample.requestsByOperation().entrySet().stream()
        .filter(e -> e.getKey().startsWith("Get") || e.getKey().startsWith("Head"))
        .mapToInt(java.util.Map.Entry::getValue).sum();
  }

  /** Scenario 4: the monthly bill of {@code users} each archiving {@code perMonth} conversations. */
  static Cost cost(OpSummary archive, Results.Params params) {
    double puts = archive.medianPuts() * params.costUsers() * params.costArchivesPerUserMonth();
    double gets = archive.medianGets() * params.costUsers() * params.costArchivesPerUserMonth();
    double requests = puts / 1000 * params.putPricePer1000() + gets / 1000 * params.getPricePer1000();
    double storage = (double) archive.storedBytes() * params.costUsers() / 1e9 * params.storagePricePerGbMonth();
    return new Cost(archive.variant(), params.costUsers(), params.costArchivesPerUserMonth(), puts, gets, archive.storedBytes(),
        requests, storage, requests + storage);
  }
}
