package dev.convoarchive.bench;

import dev.convoarchive.bench.Results.Concurrency;
import dev.convoarchive.bench.Results.Cost;
import dev.convoarchive.bench.Results.FailedUpload;
import dev.convoarchive.bench.Results.Growth;
import dev.convoarchive.bench.Results.OpSample;
import dev.convoarchive.bench.Results.OpSummary;
import dev.convoarchive.s3.S3ArchiveConfig;
import dev.convoarchive.s3.S3Clients;
import dev.convoarchive.s3.StorageVariant;
import dev.convoarchive.s3.embedded.EmbeddedS3;
import dev.convoarchive.supabase.SupabaseDbConfig;
import dev.convoarchive.supabase.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The measured comparison of per-file (PostgreSQL index), per-file (S3 index) and single-file. */
@Command(name = "strategy-bench", mixinStandardHelpOptions = true, showDefaultValues = true,
    versionProvider = BenchMain.Version.class,
    description = "Runs the same scenarios on the three ways of storing archives against one S3 endpoint (and one "
        + "PostgreSQL for the PostgreSQL index) and writes a report.")
public final class BenchMain implements Callable<Integer> {

  /** What --version prints: the version Maven built (filtered into version.properties). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws java.io.IOException {
      java.util.Properties properties = new java.util.Properties();
      try (java.io.InputStream in = BenchMain.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return new String[] {"strategy-bench (unknown version)"};
        }
        properties.load(in);
      }
      return new String[] {"strategy-bench " + properties.getProperty("version", "(unknown version)")};
    }
  }

  @Option(names = "--quick", description = "Small sizes and few repeats; finishes in under two minutes (default: a full run).")
  boolean quick;

  @Option(names = "--endpoint", description = "An S3-compatible endpoint; default: an embedded S3 server.")
  URI endpoint;

  @Option(names = "--bucket", description = "The bucket on --endpoint (or AWS); it must exist (default: a bucket on the embedded server).")
  String bucket;

  @Option(names = "--region", defaultValue = "us-east-1", description = "The signing region of --endpoint (or AWS).")
  String region;

  @Option(names = "--path-style", description = "Path-style addressing on --endpoint.")
  boolean pathStyle;

  @Option(names = "--rtt-ms", defaultValue = "0", description = "Round-trip time added to every request.")
  double rttMillis;

  @Option(names = "--bandwidth-mbps", defaultValue = "0", description = "Bandwidth limit per request in Mbit/s; 0 for none.")
  double bandwidthMbps;

  @Option(names = "--sizes", split = ",", description = "Archive sizes for scenario 1 (default 10,100,1000,5000 on the embedded "
      + "server, whose writes slow down as a bucket fills, and 10,100,1000,5000,20000 on an --endpoint; quick 10,100).")
  List<Integer> sizes;

  @Option(names = "--single-file-max", defaultValue = "5000",
      description = "The largest archive size single-file is measured at: its one file holds every "
          + "conversation and is rewritten whole on every change, so at 20,000 each step moves tens of megabytes.")
  int singleFileMax;

  @Option(names = "--variants", split = ",", paramLabel = "VARIANT",
      description = "Which variants to run: per-file-postgres, per-file-s3, single-file (default: all three). A store that "
          + "ignores conditional writes can serve per-file-postgres only.")
  List<String> variantNames;

  @Option(names = "--scenarios", split = ",", paramLabel = "SCENARIO",
      description = "Which scenarios to run: operations, concurrency, growth, failed-upload, service-overhead, sweeper, search, "
          + "backfill (default: all). A report of some leaves the others' tables empty.")
  List<String> scenarioNames;

  @Option(names = "--db-url", description = "A postgres:// or jdbc:postgresql:// URL for the PostgreSQL index; default: an embedded PostgreSQL.")
  String dbUrl;

  @Option(names = "--repeats", description = "Timed repeats per operation and size (default 15; quick 5).")
  Integer repeats;

  @Option(names = "--out", defaultValue = "target/bench", description = "Where the report, data and charts go.")
  Path out;

  @Option(names = "--put-price", defaultValue = "0.005", description = "USD per 1,000 PUT/LIST requests.")
  double putPrice;

  @Option(names = "--get-price", defaultValue = "0.0004", description = "USD per 1,000 GET/HEAD requests.")
  double getPrice;

  @Option(names = "--storage-price", defaultValue = "0.023", description = "USD per GB-month stored.")
  double storagePrice;

  @Option(names = "--cost-users", defaultValue = "1000", description = "Users in the monthly bill's model.")
  int costUsers;

  @Option(names = "--cost-archives-per-month", defaultValue = "10",
      description = "Conversations each user archives a month, in the bill's model.")
  int costArchivesPerMonth;

  public static void main(String[] args) {
    // The embedded S3 server's Tomcat logs through java.util.logging; send it to the one log, at WARN.
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    checkScenarios();
    List<Integer> sizeList = sizes != null ? sizes : quick ? List.of(10, 100)
        : endpoint == null ? List.of(10, 100, 1000, 5000) : List.of(10, 100, 1000, 5000, 20000);
    int repeatCount = repeats != null ? repeats : quick ? 5 : 15;
    List<Integer> writers = quick ? List.of(2, 8) : List.of(2, 8, 32);
    int perWriter = quick ? 3 : 10;
    int months = quick ? 6 : 60;
    int perMonth = 10;
    EmbeddedS3 embedded = null;
    S3ArchiveConfig config;
    AwsCredentialsProvider credentials;
    if (endpoint == null && bucket == null) {
      embedded = EmbeddedS3.start(0, null, embeddedBuckets(sizeList));
      config = embedded.config(EMBEDDED_BUCKET);
      credentials = EmbeddedS3.credentials();
    } else {
      if (bucket == null) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--bucket is required with --endpoint");
      }
      config = S3ArchiveConfig.forBucket(bucket);
      if (endpoint != null) {
        config = config.withEndpoint(endpoint, pathStyle);
      }
      config = new S3ArchiveConfig(config.bucket(), "strategy-bench", config.endpoint(), config.pathStyle(), region,
          config.variant(), config.compression(), config.maxAttempts(), config.callTimeout());
      credentials = DefaultCredentialsProvider.builder().build();
    }
    Meter meter = new Meter(rttMillis, bandwidthMbps);
    Scenarios.FailNextUpload failures = new Scenarios.FailNextUpload();
    EmbeddedPostgres embeddedDb = dbUrl == null ? EmbeddedPostgres.start(null) : null;
    SupabaseDbConfig database = (dbUrl == null ? embeddedDb.config() : SupabaseDbConfig.fromUrl(dbUrl))
        .withPoolSize(Math.max(8, writers.get(writers.size() - 1)));
    Machine.Factory machines = new Machine.Factory(credentials, List.of(meter, failures), database);
    List<StorageVariant> variants = variants();
    long steps = (long) variants.size() * (sizeList.size() * (repeatCount + 2L) + writers.size() * 2L + months + 1);
    List<OpSample> samples = new ArrayList<>();
    List<Concurrency> concurrency = new ArrayList<>();
    List<Growth> growth = new ArrayList<>();
    List<FailedUpload> failed = new ArrayList<>();
    List<Results.Overhead> overhead = new ArrayList<>();
    List<SweepBench.Run> sweeps = new ArrayList<>();
    SweepBench.Footprint footprint = null;
    List<SearchBench.Run> searches = new ArrayList<>();
    BackfillBench.Result backfill = null;
    java.time.Duration warmUp = java.time.Duration.ofSeconds(quick ? 2 : 60);
    ServiceOverhead.Settings overheadSettings = quick ? ServiceOverhead.Settings.quick() : ServiceOverhead.Settings.full();
    Scenarios scenarios = null;
    long conversationJsonBytes;
    try (S3Client client = S3Clients.create(config, credentials, List.of(meter, failures));
        ProgressBar progress = new ProgressBarBuilder().setTaskName("strategy-bench").setInitialMax(steps)
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build()) {
      // On the embedded server each scenario gets a bucket of its own: S3Mock rewrites a bucket's
      // whole key list on every write, so one shared bucket would slow each variant by the
      // objects the others left (seen: 2 MB rewritten per PUT, 9 writes/s, at 13,000 keys).
      java.util.function.BiFunction<StorageVariant, Integer, String> buckets = embedded != null
          ? BenchMain::embeddedBucket : (variant, size) -> bucket;
      scenarios = new Scenarios(machines, client, config, buckets, meter, failures, progress);
      conversationJsonBytes = scenarios.conversationJsonBytes(variants.get(0));
      if (runs("operations")) {
        progress.setExtraMessage("warming up (" + warmUp.toSeconds() + " s)");
        scenarios.warmUp(variants, warmUp);
      }
      for (StorageVariant variant : variants) {
        if (runs("operations")) {
          progress.setExtraMessage(variant.shortName() + ": growing archive");
          for (int size : sizeList) {
            if (variant == StorageVariant.SINGLE_FILE && size > singleFileMax) {
              progress.stepBy(repeatCount + 2L);
              continue;
            }
            samples.addAll(scenarios.growingArchive(variant, size, repeatCount));
          }
        }
        if (runs("concurrency")) {
          progress.setExtraMessage(variant.shortName() + ": concurrent writers");
          for (int w : writers) {
            concurrency.add(scenarios.concurrentWriters(variant, w, perWriter, true));
            concurrency.add(scenarios.concurrentWriters(variant, w, perWriter, false));
          }
        }
        if (runs("growth")) {
          progress.setExtraMessage(variant.shortName() + ": growth over time");
          growth.addAll(scenarios.growthOverTime(variant, months, perMonth));
        }
        if (runs("failed-upload")) {
          progress.setExtraMessage(variant.shortName() + ": failed upload");
          failed.add(scenarios.failedUpload(variant, sizeList.contains(100) ? 100 : sizeList.get(sizeList.size() - 1)));
        }
      }
      if (runs("service-overhead")) {
        progress.setExtraMessage("service overhead (warming " + overheadSettings.warmUp().toSeconds() + " s)");
        S3ArchiveConfig overheadStorage = embedded != null ? config.withBucket(OVERHEAD_BUCKET) : config.withPrefix("bench-overhead");
        // With the run's network model on both paths' S3 requests (how a remote S3 is met), then
        // with none (the service's own cost at its most visible); the second warms only briefly.
        if (rttMillis > 0 || bandwidthMbps > 0) {
          overhead.addAll(new ServiceOverhead(database, overheadStorage, credentials, List.of(meter), networkLabel(),
              overheadSettings).run());
        }
        overhead.addAll(new ServiceOverhead(database, overheadStorage, credentials, List.of(), ServiceOverhead.NO_NETWORK_MODEL,
            overhead.isEmpty() ? overheadSettings : overheadSettings.warmedAlready()).run());
      }
      if (runs("sweeper")) {
        progress.setExtraMessage("sweeper instances");
        SweepBench sweep = new SweepBench();
        sweep.conversations = quick ? 100 : 2000;
        sweep.instances = quick ? List.of(1, 2) : List.of(1, 2, 4);
        sweep.batchSize = 100;
        sweep.concurrency = 4;
        S3ArchiveConfig sweepBase = config.withVariant(StorageVariant.PER_FILE_POSTGRES_INDEX);
        boolean ownBuckets = embedded != null;
        sweeps.addAll(sweep.runAll(count -> ownBuckets ? sweepBase.withBucket(SweepBench.bucket(count))
            : sweepBase.withPrefix("sweep-bench-" + count), database));
        footprint = sweep.footprint;
      }
      if (runs("backfill")) {
        progress.setExtraMessage("backfill");
        backfill = (quick ? BackfillBench.quick() : BackfillBench.full()).run(database, List.of(meter), networkLabel());
      }
      if (runs("search")) {
        progress.setExtraMessage("search");
        searches.addAll((quick ? new SearchBench(10, 50) : new SearchBench()).run(database,
            quick ? List.of(50, 150) : List.of(100, 1000, 5000)));
      }
    } finally {
      if (scenarios != null) {
        scenarios.closeMachines();
      }
      if (embedded != null) {
        embedded.close();
      }
      if (embeddedDb != null) {
        embeddedDb.close();
      }
    }
    Results.Params params = new Results.Params(embedded != null ? "embedded S3Mock (loopback)" : String.valueOf(endpoint),
        embedded != null, rttMillis, bandwidthMbps, sizeList, repeatCount, writers, perWriter, months, perMonth, putPrice,
        getPrice, storagePrice, costUsers, costArchivesPerMonth, conversationJsonBytes, Report.machine(),
        "java -jar strategy-bench/target/strategy-bench.jar " + String.join(" ", commandLine()), singleFileMax,
        dbUrl == null ? "embedded PostgreSQL (loopback)" : "the PostgreSQL at --db-url", overheadSettings.warmUp().toSeconds(),
        warmUp.toSeconds());
    Scenarios finished = scenarios;
    List<OpSummary> summaries = Scenarios.summarize(samples, (variant, size) -> finished.storedAt.getOrDefault(variant.name() + "|" + size, 0L));
    int costSize = sizeList.contains(100) ? 100 : sizeList.get(sizeList.size() - 1);
    List<Cost> costs = summaries.stream().filter(s -> s.operation().equals("archive") && s.archiveSize() == costSize)
        .map(s -> Scenarios.cost(s, params)).toList();
    Results results = new Results(params, samples, summaries, concurrency, growth, failed, costs, overhead, sweeps, footprint,
        searches, backfill);
    Path report = new Report(results).writeTo(out);
    System.out.println("report: " + report.toAbsolutePath());
    return 0;
  }

  static final String EMBEDDED_BUCKET = "strategy-bench";
  static final String OVERHEAD_BUCKET = "bench-overhead";

  static String embeddedBucket(StorageVariant variant, int size) {
    return "bench-" + variant.shortName() + (size > 0 ? "-" + size : "");
  }

  private static List<String> embeddedBuckets(List<Integer> sizes) {
    List<String> buckets = new ArrayList<>(List.of(EMBEDDED_BUCKET, OVERHEAD_BUCKET));
    List.of(1, 2, 4).forEach(count -> buckets.add(SweepBench.bucket(count)));
    for (StorageVariant variant : StorageVariant.values()) {
      buckets.add(embeddedBucket(variant, 0));
      sizes.forEach(size -> buckets.add(embeddedBucket(variant, size)));
    }
    return buckets;
  }

  private static final List<String> SCENARIOS =
      List.of("operations", "concurrency", "growth", "failed-upload", "service-overhead", "sweeper", "search", "backfill");

  boolean runs(String scenario) {
    return scenarioNames == null || scenarioNames.stream().map(String::trim).anyMatch(scenario::equals);
  }

  private void checkScenarios() {
    for (String name : scenarioNames == null ? List.<String>of() : scenarioNames) {
      if (!SCENARIOS.contains(name.trim())) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--scenarios: unknown scenario " + name + "; valid: " + String.join(", ", SCENARIOS));
      }
    }
  }

  private String networkLabel() {
    return "round trip " + Report.fmt(rttMillis) + " ms, " + (bandwidthMbps == 0 ? "unlimited" : Report.fmt(bandwidthMbps) + " Mbit/s");
  }

  private List<StorageVariant> variants() {
    if (variantNames == null) {
      return List.of(StorageVariant.values());
    }
    List<StorageVariant> chosen = new ArrayList<>();
    for (String name : variantNames) {
      chosen.add(java.util.Arrays.stream(StorageVariant.values()).filter(v -> v.shortName().equals(name.trim())).findFirst()
          .orElseThrow(() -> new CommandLine.ParameterException(new CommandLine(this),
              "--variants: unknown variant " + name + "; valid: per-file-postgres, per-file-s3, single-file")));
    }
    return chosen;
  }

  private List<String> commandLine() {
    List<String> args = new ArrayList<>();
    if (quick) {
      args.add("--quick");
    }
    if (endpoint != null) {
      args.add("--endpoint " + endpoint);
    }
    if (bucket != null) {
      args.add("--bucket " + bucket);
    }
    if (pathStyle) {
      args.add("--path-style");
    }
    if (dbUrl != null) {
      args.add("--db-url <your database URL>");
    }
    args.add("--rtt-ms " + rttMillis);
    args.add("--bandwidth-mbps " + bandwidthMbps);
    if (sizes != null) {
      args.add("--sizes " + String.join(",", sizes.stream().map(String::valueOf).toList()));
    }
    if (repeats != null) {
      args.add("--repeats " + repeats);
    }
    if (variantNames != null) {
      args.add("--variants " + String.join(",", variantNames));
    }
    if (scenarioNames != null) {
      args.add("--scenarios " + String.join(",", scenarioNames));
    }
    if (singleFileMax != 5000) {
      args.add("--single-file-max " + singleFileMax);
    }
    return args;
  }
}
