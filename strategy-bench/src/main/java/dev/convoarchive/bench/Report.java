package dev.convoarchive.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.convoarchive.bench.Results.Concurrency;
import dev.convoarchive.bench.Results.Cost;
import dev.convoarchive.bench.Results.FailedUpload;
import dev.convoarchive.bench.Results.Growth;
import dev.convoarchive.bench.Results.OpSample;
import dev.convoarchive.bench.Results.OpSummary;
import dev.convoarchive.s3.StorageVariant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The Markdown report (one table per claim of the written comparison: claimed, measured,
 * verdict; then the targets the layouts must reach), the raw figures as JSON and CSV, and PNG charts.
 */
final class Report {

  /** The comparison's claims were made about per-file with its S3 index object. */
  static final StorageVariant PER_FILE = StorageVariant.PER_FILE_S3_INDEX;
  static final StorageVariant DATABASE_INDEX = StorageVariant.PER_FILE_POSTGRES_INDEX;
  static final StorageVariant SINGLE_FILE = StorageVariant.SINGLE_FILE;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      // Variants appear in the raw figures by their short names (per-file-postgres, per-file-s3, single-file).
      .registerModule(new SimpleModule().addSerializer(StorageVariant.class, new StdSerializer<>(StorageVariant.class) {
        @Override
        public void serialize(StorageVariant variant, JsonGenerator gen, SerializerProvider provider) throws IOException {
          gen.writeString(variant.shortName());
        }
      }));

  private final Results results;

  Report(Results results) {
    this.results = results;
  }

  static String machine() {
    return Runtime.getRuntime().availableProcessors() + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB max heap, Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch");
  }

  Path writeTo(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("charts"));
    JSON.writeValue(dir.resolve("results.json").toFile(), results);
    Files.writeString(dir.resolve("samples.csv"), samplesCsv());
    Files.writeString(dir.resolve("summary.csv"), summaryCsv());
    charts(dir.resolve("charts"));
    Path report = dir.resolve("report.md");
    Files.writeString(report, markdown());
    return report;
  }

  // ---- lookups ----

  Optional<OpSummary> summary(StorageVariant variant, int size, String operation) {
    return results.summaries().stream()
        .filter(s -> s.variant() == variant && s.archiveSize() == size && s.operation().equals(operation)).findFirst();
  }

  int claimSize() {
    return results.params().sizes().contains(100) ? 100 : results.params().sizes().get(results.params().sizes().size() - 1);
  }

  int smallest() {
    return results.params().sizes().stream().mapToInt(Integer::intValue).min().orElseThrow();
  }

  int largest() {
    return results.params().sizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** The largest archive size measured for {@code variant} (single-file may stop short of the others). */
  int largest(StorageVariant variant) {
    return results.summaries().stream().filter(s -> s.variant() == variant).mapToInt(OpSummary::archiveSize).max().orElse(largest());
  }

  /**
   * The bare SDK PUT into the same bucket at both sizes: what the S3 server itself adds as a
   * bucket fills, against which the archive's own growth can be read.
   */
  private void reference(List<String[]> rows, StorageVariant variant, int small, int large) {
    summary(variant, small, Scenarios.RAW_PUT).ifPresent(a -> summary(variant, large, Scenarios.RAW_PUT).ifPresent(b -> rows.add(
        new String[] {variant.label() + ": the S3 server's own PUT (bare SDK, same bucket), " + large + " vs " + small,
            fmt(a.millis().p50()) + " -> " + fmt(b.millis().p50()) + " ms (" + pctSigned(b.millis().p50() / a.millis().p50() - 1) + ")",
            "reference"})));
  }

  /** p50 latency of {@code op} at {@code large} within 10% of that at {@code small}. */
  private void flatTarget(List<String[]> rows, StorageVariant variant, String op, int small, int large, String note) {
    Optional<OpSummary> a = summary(variant, small, op);
    Optional<OpSummary> b = summary(variant, large, op);
    if (a.isPresent() && b.isPresent()) {
      double growth = b.get().millis().p50() / a.get().millis().p50() - 1;
      rows.add(new String[] {variant.label() + " " + op + note + " latency flat (" + large + " vs " + small + " within 10%)",
          fmt(a.get().millis().p50()) + " -> " + fmt(b.get().millis().p50()) + " ms (" + pctSigned(growth) + ")", growth <= 0.10 ? "PASS" : "MISS"});
    }
  }

  Optional<Concurrency> concurrency(StorageVariant variant, String users, int writers) {
    return results.concurrency().stream()
        .filter(c -> c.variant() == variant && c.users().equals(users) && c.writers() == writers).findFirst();
  }

  Optional<Growth> growth(StorageVariant variant, int month) {
    return results.growth().stream().filter(g -> g.variant() == variant && g.month() == month).findFirst();
  }

  // ---- Markdown ----

  String markdown() {
    Results.Params p = results.params();
    int n = claimSize();
    StringBuilder md = new StringBuilder();
    md.append("# Archive layouts measured: per-file (PostgreSQL index), per-file (S3 index), single-file\n\n");
    md.append("- Machine: ").append(p.machine()).append('\n');
    md.append("- Endpoint: ").append(p.endpoint()).append("; network model: ")
        .append(p.rttMillis() == 0 && p.bandwidthMbps() == 0 ? "none (raw local path)"
            : "round trip " + fmt(p.rttMillis()) + " ms, " + (p.bandwidthMbps() == 0 ? "unlimited bandwidth" : fmt(p.bandwidthMbps()) + " Mbit/s"))
        .append(" on every S3 request of every variant (the PostgreSQL index's queries go to the database directly)\n");
    md.append("- Conversations: ~").append(p.conversationJsonBytes()).append(" bytes of JSON each (10 messages), gzip on\n");
    md.append("- PostgreSQL index in ").append(p.database()).append("\n");
    md.append("- Archive sizes ").append(p.sizes()).append(" (single-file up to ").append(p.singleFileMaxSize())
        .append(": it rewrites one file holding every conversation on each change), ").append(p.repeats())
        .append(" timed repeats per operation and size after 2 warm-ups, the first variant after ").append(fmt(p.warmUpSeconds()))
        .append(" s of every variant's operations in turn; latencies are p50 (p95) in ms\n");
    md.append("- Reproduce: `").append(p.command()).append("`\n\n");

    md.append("## Claim 1: latency for a user with ").append(n).append(" archived conversations\n\n");
    md.append("The claims were made about per-file with its S3 index and assumed a remote S3; with another network model the absolute figures move, so the verdict compares the ratio single-file / per-file (S3 index). The PostgreSQL index, which the claims did not cover, is measured beside them.\n\n");
    md.append("| operation | claimed per-file | measured per-file (S3 index) | measured per-file (PostgreSQL index) | claimed single-file | measured single-file | claimed ratio | measured ratio | verdict | PostgreSQL index against the S3 index |\n|---|---|---|---|---|---|---|---|---|---|\n");
    String[][] claims = {{"archive", "151", "1200"}, {"retrieve", "51", "500"}, {"list", "51", "500"}, {"delete", "151", "1300"}};
    for (String[] claim : claims) {
      Optional<OpSummary> pf = summary(PER_FILE, n, claim[0]);
      Optional<OpSummary> sf = summary(SINGLE_FILE, n, claim[0]);
      Optional<OpSummary> db = summary(DATABASE_INDEX, n, claim[0]);
      double claimedRatio = Double.parseDouble(claim[2]) / Double.parseDouble(claim[1]);
      double measuredRatio = ratio(sf.map(s -> s.millis().p50()), pf.map(s -> s.millis().p50()));
      md.append(row(claim[0] + " one", claim[1] + " ms", pf.map(Report::latency).orElse("-"), db.map(Report::latency).orElse("-"),
          claim[2] + " ms",
          sf.map(Report::latency).orElse("-"), fmt(claimedRatio) + "x", fmt(measuredRatio) + "x", ratioVerdict(claimedRatio, measuredRatio),
          indexVerdict(db.map(s -> s.millis().p50()), pf.map(s -> s.millis().p50()))));
    }
    Optional<Concurrency> twoPf = concurrency(PER_FILE, "distinct users", 2);
    Optional<Concurrency> twoSf = concurrency(SINGLE_FILE, "distinct users", 2);
    double twoRatio = ratio(twoSf.map(c -> c.millis().p50()), twoPf.map(c -> c.millis().p50()));
    Optional<Concurrency> twoDb = concurrency(DATABASE_INDEX, "distinct users", 2);
    md.append(row("two users archive at the same time", "151 ms", twoPf.map(c -> latency(c.millis())).orElse("-"),
        twoDb.map(c -> latency(c.millis())).orElse("-"), "2400 ms",
        twoSf.map(c -> latency(c.millis())).orElse("-"), fmt(2400.0 / 151) + "x", fmt(twoRatio) + "x", ratioVerdict(2400.0 / 151, twoRatio),
        indexVerdict(twoDb.map(c -> c.millis().p50()), twoPf.map(c -> c.millis().p50()))));

    md.append("\n## Claim 2: S3 requests per archive\n\n| variant | claimed | measured (median PUT-class + GET-class, all requests) | verdict |\n|---|---|---|---|\n");
    requestsClaim(md, PER_FILE, n, 2, 1);
    requestsClaim(md, SINGLE_FILE, n, 1, 1);
    requestsClaim(md, DATABASE_INDEX, n, 1, 0);

    md.append("\n## Claim 3: monthly bill for ").append(p.costUsers()).append(" users x ").append(p.costArchivesPerUserMonth())
        .append(" archives a month\n\nAt $").append(plain(p.putPricePer1000())).append(" per 1,000 PUTs, $").append(plain(p.getPricePer1000()))
        .append(" per 1,000 GETs and $").append(plain(p.storagePricePerGbMonth())).append(" per GB-month, each user holding ").append(n)
        .append(" conversations.\n\n| variant | claimed | requests | storage | measured total | verdict |\n|---|---|---|---|---|---|\n");
    for (Cost cost : results.costs()) {
      if (cost.variant() == DATABASE_INDEX) {
        boolean lowest = results.costs().stream().allMatch(other -> other.totalDollars() >= cost.totalDollars());
        md.append(row(cost.variant().label(), "- (not claimed)", "$" + fmt4(cost.requestDollars()), "$" + fmt4(cost.storageDollars()),
            "$" + fmt4(cost.totalDollars()), "not claimed; " + (lowest ? "the lowest of the three" : "not the lowest")
                + " (its index rows are billed with the database: see the bill below)"));
        continue;
      }
      double claimed = cost.variant() == PER_FILE ? 0.1304 : 0.1204;
      md.append(row(cost.variant().label(), "$" + claimed, "$" + fmt4(cost.requestDollars()), "$" + fmt4(cost.storageDollars()),
          "$" + fmt4(cost.totalDollars()), Math.abs(cost.totalDollars() - claimed) <= claimed * 0.25 ? "holds (within 25%)"
              : "does not hold: " + (cost.totalDollars() > claimed ? "higher" : "lower") + " than claimed"));
    }

    md.append("\n## Claim 4: memory allocated per operation (").append(n).append(" conversations)\n\n")
        .append("Bytes allocated by the calling thread (per-thread allocation counter), median.\n\n")
        .append("| variant | operation | claimed | measured | verdict |\n|---|---|---|---|---|\n");
    summary(PER_FILE, n, "archive").ifPresent(s -> md.append(row(PER_FILE.label(), "archive", "~10 KB held", bytes(s.medianAllocatedBytes()),
        s.medianAllocatedBytes() <= 4 * p.conversationJsonBytes() ? "holds (under 4x the conversation)" : "does not hold: more than 4x the conversation")));
    summary(DATABASE_INDEX, n, "archive").ifPresent(s -> md.append(row(DATABASE_INDEX.label(), "archive", "-", bytes(s.medianAllocatedBytes()),
        "measured only (the claims did not cover it)")));
    summary(SINGLE_FILE, n, "archive").ifPresent(s -> md.append(row(SINGLE_FILE.label(), "archive", "1-2 MB held", bytes(s.medianAllocatedBytes()),
        s.medianAllocatedBytes() >= 10 * p.conversationJsonBytes() ? "holds (the whole file is handled)" : "does not hold")));
    summary(SINGLE_FILE, n, "retrieve").ifPresent(s -> md.append(row(SINGLE_FILE.label(), "retrieve", "-", bytes(s.medianAllocatedBytes())
        + " vs " + bytes((double) n * p.conversationJsonBytes()) + " of JSON in the file", "streamed: " + pct(s.medianAllocatedBytes(), (double) n * p.conversationJsonBytes()) + " of the file")));

    md.append("\n## Claim 5: single-file growth at ").append(results.params().archivesPerMonth()).append(" archives a month\n\n")
        .append("| month | conversations | claimed file size | measured file (gzip) | per-file largest object | single-file archive p50 (p95) | per-file (S3 index) archive p50 (p95) | per-file (PostgreSQL index) archive p50 (p95) |\n|---|---|---|---|---|---|---|---|\n");
    for (int month : new int[] {1, 12, 60}) {
      Optional<Growth> sf = growth(SINGLE_FILE, month);
      Optional<Growth> pf = growth(PER_FILE, month);
      Optional<Growth> db = growth(DATABASE_INDEX, month);
      if (sf.isPresent()) {
        md.append(row(String.valueOf(month), String.valueOf(sf.get().conversations()),
            month == 12 ? "1.2 MB" : month == 60 ? "6 MB" : "-", bytes(sf.get().largestObjectBytes()),
            pf.map(g -> bytes(g.largestObjectBytes())).orElse("-"), latency(sf.get().archiveMillis()) + " ms",
            pf.map(g -> latency(g.archiveMillis()) + " ms").orElse("-"), db.map(g -> latency(g.archiveMillis()) + " ms").orElse("-")));
      }
    }
    int lastMonth = results.params().growthMonths();
    growth(SINGLE_FILE, lastMonth).ifPresent(g -> md.append("\nClaim: the single file becomes \"unusable\". Measured after ")
        .append(lastMonth).append(" months: an archive takes ").append(fmt(g.archiveMillis().p50())).append(" ms (p50) against ")
        .append(growth(SINGLE_FILE, 1).map(f -> fmt(f.archiveMillis().p50())).orElse("-"))
        .append(" ms in month 1; whether that is unusable depends on the network model above.\n"));

    md.append("\n## Claim 6: one failed upload\n\n| variant | claimed | bytes in the failed upload | bytes sent again to retry | conversations lost | verdict |\n|---|---|---|---|---|---|\n");
    for (FailedUpload f : results.failedUploads()) {
      boolean perFile = f.variant() != SINGLE_FILE;
      md.append(row(f.variant().label(), perFile ? "loses one conversation" : "costs the whole file's work", bytes(f.bytesInFailedUpload()),
          bytes(f.bytesUpToRetry()), String.valueOf(f.conversationsLost()),
          perFile ? (f.conversationsLost() == 0 ? "does not hold: nothing is lost (the conversation stays live until archived); one conversation is re-sent" : "holds")
              : "cost holds: the retry re-sends " + bytes(f.bytesUpToRetry()) + "; nothing is lost"));
    }

    md.append("\n## Claim 7: concurrent writers (two machines, each with its own client)\n\n")
        .append("Each writer archives one conversation untimed first, so the timing starts with the clients' connections and the ")
        .append("database pools open. CPU busy: all cores of the machine (bench, embedded servers, PostgreSQL) over the timed part.\n\n")
        .append("| variant | users | writers | acknowledged | lost | archives/s | latency p50 (p95) | CAS retries | refused as contended, tried again | CPU busy |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for (Concurrency c : results.concurrency()) {
      md.append(row(c.variant().label(), c.users(), String.valueOf(c.writers()), String.valueOf(c.acknowledged()), String.valueOf(c.lost()),
          fmt(c.archivesPerSecond()), latency(c.millis()), String.valueOf(c.casRetries()), String.valueOf(c.refusedAsContended()),
          Double.isNaN(c.cpuBusy()) ? "-" : pct(c.cpuBusy(), 1)));
    }
    md.append("\nClaim: two different users archiving at once block each other in the single-file layout. Measured: ");
    Optional<OpSummary> alone = summary(SINGLE_FILE, smallest(), "archive");
    md.append(twoSf.map(c -> "two users at once take " + fmt(c.millis().p50()) + " ms (p50) per archive").orElse("-"))
        .append(alone.map(a -> " against " + fmt(a.millis().p50()) + " ms for one user alone with " + smallest() + " conversations").orElse(""))
        .append("; each user has a file and a lock of their own, so they do not wait for each other.\n");

    bill(md);
    overhead(md);
    sweeper(md);
    search(md);
    backfill(md);

    md.append("\n## Targets\n\n| target | measured | result |\n|---|---|---|\n");
    for (String[] target : targets()) {
      md.append(row(target));
    }

    md.append("\n## All operations\n\n| variant | size | operation | latency p50 (p95) ms | requests | up | down | allocated |\n|---|---|---|---|---|---|---|---|\n");
    for (OpSummary s : results.summaries()) {
      md.append(row(s.variant().label(), String.valueOf(s.archiveSize()), s.operation(), latency(s), fmt(s.medianRequests()),
          bytes(s.medianBytesUp()), bytes(s.medianBytesDown()), bytes(s.medianAllocatedBytes())));
    }
    md.append("\nCharts: `charts/latency-<operation>.png`, `charts/concurrency.png`, `charts/growth.png`, `charts/overhead.png`, "
        + "`charts/sweeper.png`, `charts/tiers.png`. Raw figures: `results.json`, `samples.csv`, `summary.csv`.\n");
    return md.toString();
  }

  /** Each target as {target, measured, PASS/MISS}; also read by the bench's own test. */
  List<String[]> targets() {
    List<String[]> rows = new ArrayList<>();
    int small = smallest();
    // The PostgreSQL index: flat at any archive size, one S3 request per archive, none per list.
    int dbLarge = largest(DATABASE_INDEX);
    for (String op : List.of("archive", "retrieve", "delete", "list")) {
      flatTarget(rows, DATABASE_INDEX, op, small, dbLarge, op.equals("list") ? " (first page)" : "");
    }
    reference(rows, DATABASE_INDEX, small, dbLarge);
    summary(DATABASE_INDEX, small, "archive").ifPresent(a -> summary(DATABASE_INDEX, dbLarge, "archive").ifPresent(b -> {
      double growth = b.medianAllocatedBytes() / a.medianAllocatedBytes() - 1;
      rows.add(new String[] {DATABASE_INDEX.label() + " archive allocation flat (" + dbLarge + " vs " + small + " within 10%)",
          bytes(a.medianAllocatedBytes()) + " -> " + bytes(b.medianAllocatedBytes()) + " (" + pctSigned(growth) + ")",
          growth <= 0.10 ? "PASS" : "MISS"});
    }));
    for (int size : results.params().sizes()) {
      summary(DATABASE_INDEX, size, "archive").ifPresent(s -> rows.add(new String[] {DATABASE_INDEX.label() + " archive = 1 S3 request ("
          + size + ")", fmt(s.medianRequests()), s.medianRequests() == 1 ? "PASS" : "MISS"}));
      summary(DATABASE_INDEX, size, "list").ifPresent(s -> rows.add(new String[] {DATABASE_INDEX.label() + " list = 0 S3 requests ("
          + size + ")", fmt(s.medianRequests()), s.medianRequests() == 0 ? "PASS" : "MISS"}));
    }
    // The S3 index, against the targets set for per-file before the PostgreSQL index existed.
    int large = largest(PER_FILE);
    for (String op : List.of("archive", "retrieve", "delete")) {
      flatTarget(rows, PER_FILE, op, small, large, "");
    }
    reference(rows, PER_FILE, small, large);
    for (int size : results.params().sizes()) {
      String name = PER_FILE.label();
      summary(PER_FILE, size, "retrieve").ifPresent(s -> rows.add(new String[] {name + " retrieve = 1 request (" + size + ")", fmt(s.medianRequests()), s.medianRequests() == 1 ? "PASS" : "MISS"}));
      summary(PER_FILE, size, "list").ifPresent(s -> rows.add(new String[] {name + " list = 1 request (" + size + ")", fmt(s.medianRequests()), s.medianRequests() == 1 ? "PASS" : "MISS"}));
      summary(PER_FILE, size, "archive").ifPresent(s -> rows.add(new String[] {name + " archive <= 3 requests (" + size + ")", fmt(s.medianRequests()), s.medianRequests() <= 3 ? "PASS" : "MISS"}));
      summary(PER_FILE, size, "archive").ifPresent(s -> rows.add(new String[] {name + " archive allocates < 4x the conversation's JSON (" + size + ")",
          bytes(s.medianAllocatedBytes()) + " vs 4 x " + bytes(results.params().conversationJsonBytes()),
          s.medianAllocatedBytes() < 4 * results.params().conversationJsonBytes() ? "PASS" : "MISS"}));
    }
    int largeSingle = largest(SINGLE_FILE);
    summary(SINGLE_FILE, largeSingle, "retrieve").ifPresent(s -> {
      double file = (double) largeSingle * results.params().conversationJsonBytes();
      rows.add(new String[] {"single-file retrieve allocates far less than the file (< 25%, " + largeSingle + ")",
          bytes(s.medianAllocatedBytes()) + " vs " + bytes(file), s.medianAllocatedBytes() < 0.25 * file ? "PASS" : "MISS"});
    });
    overheadTargets(rows);
    int lost = results.concurrency().stream().mapToInt(Concurrency::lost).sum();
    rows.add(new String[] {"zero lost updates in every concurrency scenario, every variant", lost + " lost of "
        + results.concurrency().stream().mapToInt(Concurrency::acknowledged).sum(), lost == 0 ? "PASS" : "MISS"});
    return rows;
  }

  // ---- the bill ----

  /** Supabase's database disk beyond the plan's included size, USD per GB-month. */
  static final double SUPABASE_DISK_PRICE = 0.125;

  /**
   * S3 storage classes (us-east-1 list prices): USD per GB-month, per 1,000 PUTs, the smallest
   * size billed per object, and the fewest days an object is billed for.
   */
  record StorageClass(String name, double gbMonth, double putPer1000, long minimumBillableBytes, int minimumDays) {}

  static final List<StorageClass> STORAGE_CLASSES = List.of(
      new StorageClass("S3 Standard", 0.023, 0.005, 0, 0),
      new StorageClass("Standard-IA", 0.0125, 0.01, 128 * 1024, 30),
      new StorageClass("Glacier Instant Retrieval", 0.004, 0.02, 128 * 1024, 90));

  private static final double GB = 1024.0 * 1024 * 1024;

  /**
   * A user's monthly bill for {@code n} archived conversations and {@code archivesPerMonth}
   * changes, in one storage class. Per-file objects are written once and kept, so each is billed
   * at least the class's minimum size; the single file is rewritten on every change, so each
   * version is billed at least the class's minimum days, and the S3 index object likewise (it is
   * kept in Standard: rewritten that often, no class with a minimum pays).
   */
  OptionalDouble monthlyStorage(StorageVariant variant, int n, StorageClass storageClass) {
    Optional<Double> object = perFileObjectBytes(n);
    double changes = results.params().costArchivesPerUserMonth();
    double puts = changes * storageClass.putPer1000() / 1000;
    if (variant == SINGLE_FILE) {
      Optional<OpSummary> file = summary(SINGLE_FILE, n, "archive").filter(o -> o.storedBytes() > 0);
      if (file.isEmpty()) {
        return OptionalDouble.empty();
      }
      double billed = Math.max(file.get().storedBytes(), storageClass.minimumBillableBytes());
      double versionsBilled = Math.max(1, changes * storageClass.minimumDays() / 30.0);
      return OptionalDouble.of(versionsBilled * billed / GB * storageClass.gbMonth() + puts);
    }
    if (object.isEmpty()) {
      return OptionalDouble.empty();
    }
    double objects = n * Math.max(object.get(), storageClass.minimumBillableBytes()) / GB * storageClass.gbMonth();
    double index = 0;
    if (variant == PER_FILE) {
      index = summary(PER_FILE, n, "archive").map(o -> Math.max(0, o.storedBytes() - n * object.get())).orElse(0.0) / GB * 0.023
          + changes * 0.005 / 1000;
    } else if (results.footprint() != null) {
      index = n * results.footprint().indexBytesPerConversation() / GB * SUPABASE_DISK_PRICE;
    }
    return OptionalDouble.of(objects + index + puts);
  }

  /** The average conversation object, from the PostgreSQL index's bucket (it holds nothing else). */
  Optional<Double> perFileObjectBytes(int n) {
    return summary(DATABASE_INDEX, n, "archive").filter(o -> o.storedBytes() > 0).map(o -> (double) o.storedBytes() / n);
  }

  private void bill(StringBuilder md) {
    Results.Params p = results.params();
    md.append("\n## The bill, completed: what a user's archive costs a month\n\n");
    SweepBench.Footprint footprint = results.footprint();
    if (footprint != null) {
      md.append("The status quo a team would otherwise keep: deleted conversations left in the Supabase database, at $")
          .append(plain(SUPABASE_DISK_PRICE)).append(" per GB-month of disk. Measured: a conversation of 10 messages takes ")
          .append(bytes(footprint.liveBytesPerConversation())).append(" there (its rows in `conversations` and `messages` with ")
          .append("their indexes and TOAST, divided by the conversations), and the PostgreSQL index's own row ")
          .append(bytes(footprint.indexBytesPerConversation())).append(" (the `archive_catalog` table with its indexes, divided by its rows),")
          .append(" also billed at the database's price. Each user makes ").append(p.costArchivesPerUserMonth())
          .append(" changes a month. S3 at us-east-1 list prices: Standard $0.023/GB-month; Standard-IA $0.0125 and Glacier ")
          .append("Instant Retrieval $0.004, both billing an object under 128 KB as 128 KB and for at least 30 and 90 days ")
          .append("(an object replaced sooner is billed the rest), with PUTs at $0.01 and $0.02 per 1,000 and retrieval at $0.01 and $0.03 per GB.\n\n");
    }
    perFileObjectBytes(claimSize()).ifPresent(object -> {
      md.append("A per-file object is ").append(bytes(object)).append(" (gzip): ");
      for (StorageClass c : STORAGE_CLASSES.subList(1, STORAGE_CLASSES.size())) {
        double breakEven = c.minimumBillableBytes() * c.gbMonth() / STORAGE_CLASSES.get(0).gbMonth();
        md.append(c.name()).append(" pays off only for objects over ").append(bytes(breakEven)).append(", ");
      }
      md.append("so for conversations like these it costs ").append(fmt(128 * 1024 * STORAGE_CLASSES.get(1).gbMonth()
          / (object * STORAGE_CLASSES.get(0).gbMonth()))).append("x (Standard-IA) what Standard does.\n\n");
    });
    md.append("The single file is rewritten on every change, and each version is billed at least the class's minimum days: ");
    for (StorageClass c : STORAGE_CLASSES.subList(1, STORAGE_CLASSES.size())) {
      double changes = 30.0 * STORAGE_CLASSES.get(0).gbMonth() / (c.minimumDays() * c.gbMonth());
      md.append(c.name()).append(" pays off only for a file over 128 KB that changes fewer than ").append(fmt(changes))
          .append(" times a month; ");
    }
    md.append("at ").append(p.costArchivesPerUserMonth()).append(" changes a month neither does. The S3 index object is ")
        .append("rewritten as often, so it stays in Standard whatever class its conversation objects use.\n\n");
    md.append("| variant | conversations per user | status quo: left in the database | S3 Standard | Standard-IA | Glacier Instant Retrieval | cheapest |\n|---|---|---|---|---|---|---|\n");
    for (StorageVariant variant : List.of(DATABASE_INDEX, PER_FILE, SINGLE_FILE)) {
      for (int n : results.params().sizes()) {
        List<OptionalDouble> prices = STORAGE_CLASSES.stream().map(c -> monthlyStorage(variant, n, c)).toList();
        if (prices.get(0).isEmpty()) {
          continue;
        }
        String statusQuo = footprint == null ? "-" : "$" + fmt6(n * footprint.liveBytesPerConversation() / GB * SUPABASE_DISK_PRICE);
        int cheapest = 0;
        for (int i = 1; i < prices.size(); i++) {
          if (prices.get(i).isPresent() && prices.get(i).getAsDouble() < prices.get(cheapest).getAsDouble()) {
            cheapest = i;
          }
        }
        md.append(row(variant.label(), String.valueOf(n), statusQuo, "$" + fmt6(prices.get(0).getAsDouble()),
            "$" + fmt6(prices.get(1).getAsDouble()), "$" + fmt6(prices.get(2).getAsDouble()), STORAGE_CLASSES.get(cheapest).name()));
      }
    }
    md.append("\nS3 columns: the archive's objects (and the PostgreSQL index's rows at the database's price, or the S3 index object in ")
        .append("Standard) plus the month's PUTs; GETs and retrieval fees left out (a read of a conversation is a few KB).\n");
  }

  // ---- service overhead ----

  /** The network models the overhead scenario ran under, in run order. */
  List<String> overheadNetworks() {
    return results.overhead().stream().map(Results.Overhead::network).distinct().toList();
  }

  Optional<Results.Overhead> overhead(String network, String operation, boolean service, int clients) {
    return results.overhead().stream().filter(o -> o.network().equals(network) && o.operation().equals(operation)
        && o.clients() == clients && o.path().equals(ServiceOverhead.SERVICE) == service).findFirst();
  }

  private void overhead(StringBuilder md) {
    if (results.overhead().isEmpty()) {
      return;
    }
    md.append("\n## Service overhead: the service over HTTP against direct calls\n\n")
        .append("The service as deployed (per-file layout, PostgreSQL index, a user's HS256 token checked on every request, ")
        .append("access log written to a file) on loopback, beside direct calls for the same objects in the same run, on the ")
        .append("same S3 server and database. ")
        .append("Requests ask for gzip, so a retrieve passes the stored bytes on as the SDK GET reads them. Both paths were warmed ")
        .append("together for ").append(fmt(results.params().overheadWarmUpSeconds())).append(" s under ")
        .append(ServiceOverhead.MANY_CLIENTS).append(" clients before anything was timed. Allocation: bytes allocated per call ")
        .append("by the service's request threads (its S3 client runs on them) against the bench thread's for the direct call. ")
        .append("CPU per call: the whole machine's busy CPU time (every process) over the ").append(ServiceOverhead.MANY_CLIENTS)
        .append("-client run, divided by its calls. It ran twice: with this run's network model on every S3 request of both ")
        .append("paths (S3 met over a network, as deployed), then with none (a second, shorter warm-up in the same JVM), ")
        .append("where the service's own cost is most visible.\n\n")
        .append("| network model | operation | direct call | clients | direct p50 (p95) ms | service p50 (p95) ms | added p50 | direct calls/s | service calls/s | service / direct | allocated or CPU per call, direct | service | ratio |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String network : overheadNetworks()) {
      for (String operation : List.of("retrieve", "list", "archive")) {
        for (int clients : List.of(1, ServiceOverhead.MANY_CLIENTS)) {
          Optional<Results.Overhead> direct = overhead(network, operation, false, clients);
          Optional<Results.Overhead> service = overhead(network, operation, true, clients);
          if (direct.isEmpty() || service.isEmpty()) {
            continue;
          }
          Results.Overhead d = direct.get();
          Results.Overhead v = service.get();
          boolean one = clients == 1;
          md.append(row(network, operation, d.path(), String.valueOf(clients), one ? latency(d.millis()) : "-",
              one ? latency(v.millis()) : "-", one ? fmt(v.millis().p50() - d.millis().p50()) + " ms" : "-", fmt(d.perSecond()),
              fmt(v.perSecond()), fmt(v.perSecond() / d.perSecond()) + "x",
              one ? bytes(d.allocatedBytesPerCall()) : fmt(d.cpuMillisPerCall()) + " ms CPU",
              one ? bytes(v.allocatedBytesPerCall()) : fmt(v.cpuMillisPerCall()) + " ms CPU",
              one ? fmt(v.allocatedBytesPerCall() / d.allocatedBytesPerCall()) + "x" : fmt(v.cpuMillisPerCall() / d.cpuMillisPerCall()) + "x"));
        }
      }
    }
  }

  private void overheadTargets(List<String[]> rows) {
    for (String network : overheadNetworks()) {
      String under = " (network model: " + network + ")";
      int many = ServiceOverhead.MANY_CLIENTS;
      overhead(network, "retrieve", true, many).ifPresent(v -> overhead(network, "retrieve", false, many).ifPresent(d ->
          rows.add(new String[] {"service retrieve throughput at " + many + " clients >= 0.9x the direct SDK GET" + under,
              fmt(v.perSecond()) + " vs " + fmt(d.perSecond()) + " per s (" + fmt(v.perSecond() / d.perSecond()) + "x)",
              v.perSecond() >= 0.9 * d.perSecond() ? "PASS" : "MISS"})));
      for (String operation : List.of("retrieve", "list", "archive")) {
        overhead(network, operation, true, 1).ifPresent(v -> overhead(network, operation, false, 1).ifPresent(d -> {
          double added = v.millis().p50() - d.millis().p50();
          rows.add(new String[] {"service " + operation + " p50 added at one client <= 1 ms (against " + d.path() + ")" + under,
              fmt(d.millis().p50()) + " -> " + fmt(v.millis().p50()) + " ms (" + (added >= 0 ? "+" : "") + fmt(added) + " ms)",
            added <= 1 ? "PASS" : "MISS"});
        }));
      }
      for (String operation : List.of("archive", "retrieve")) {
        overhead(network, operation, true, 1).ifPresent(v -> overhead(network, operation, false, 1).ifPresent(d -> {
          double ratio = v.allocatedBytesPerCall() / d.allocatedBytesPerCall();
          rows.add(new String[] {"service " + operation + " allocation within 1.5x of the bare " + d.path() + under,
              bytes(v.allocatedBytesPerCall()) + " vs " + bytes(d.allocatedBytesPerCall()) + " (" + fmt(ratio) + "x)",
              ratio <= 1.5 ? "PASS" : "MISS"});
        }));
      }
    }
  }

  // ---- sweeper ----

  private void sweeper(StringBuilder md) {
    if (results.sweeps().isEmpty()) {
      return;
    }
    md.append("\n## Sweeper: soft-deleted conversations archived per second\n\n")
        .append("Sweeper instances sharing one database and one bucket (a fresh bucket per run), each with its own pools and S3 ")
        .append("client as separate processes would have, default settings (batch 100, concurrency 4 per instance), per-file ")
        .append("layout with the PostgreSQL index, conversations of 10 messages, without the network model (the sweepers' S3 ")
        .append("clients are their own). All of it shares this machine's cores.\n\n")
        .append(SweepBench.table(results.sweeps()));
  }

  // ---- search ----

  private void search(StringBuilder md) {
    if (results.searches().isEmpty()) {
      return;
    }
    md.append("\n## Search in the archive (PostgreSQL index)\n\n")
        .append("One user with this many archived conversations of chat-like text (10 messages; words drawn by Zipf's law from ")
        .append("20,000 made-up words, so a document holds as many distinct words as a real conversation's), searched through ")
        .append("the PostgreSQL index with SEARCH_CONFIG=simple: ").append(results.searches().get(0).queries())
        .append(" timed queries per size after untimed ones, a page of ").append(SearchBench.PAGE)
        .append(" hits each (60% one word, 20% two words, 20% a two-word phrase from a conversation). Document bytes: ")
        .append("the catalog with its TOAST and indexes, less the same catalog kept with SEARCH=off, after VACUUM; live rows: ")
        .append("`schema.sql`'s `conversations` and `messages` with their indexes holding the same conversations. The catalog ")
        .append("write is the archive's database step, timed with and without the document, in turn.\n\n")
        .append(SearchBench.table(results.searches()));
  }

  // ---- backfill ----

  private void backfill(StringBuilder md) {
    if (results.backfill() == null) {
      return;
    }
    md.append("\n## Backfill: a backlog moved out beside the app\n\n")
        .append("Due (soft-deleted) conversations of ").append(BackfillBench.MESSAGES).append(" messages, 20 to a user, archived ")
        .append("by `sweep --once`'s sweeper (batch ").append(BackfillBench.BATCH_SIZE).append(", concurrency ")
        .append(BackfillBench.CONCURRENCY).append(" groups, per-file layout with the PostgreSQL index) on the embedded ")
        .append("PostgreSQL, with one or two instances, without a rate cap and then at the default `SWEEP_MAX_RATE`. S3 is an ")
        .append("in-memory S3-protocol server on loopback (the embedded S3Mock slows with the number of keys in a bucket, to ")
        .append("9 writes a second at 13,000), met through the run's network model. WAL is the server's insert position ")
        .append("moved during the run, over the conversations archived (the app's own writes are in it). Everything shares ")
        .append("this machine's cores.\n\n")
        .append(BackfillBench.report(results.backfill()));
  }

  private void requestsClaim(StringBuilder md, StorageVariant variant, int n, int puts, int gets) {
    summary(variant, n, "archive").ifPresent(s -> md.append(row(variant.label(), puts + " PUT + " + gets + " GET",
        fmt(s.medianPuts()) + " PUT + " + fmt(s.medianGets()) + " GET (" + fmt(s.medianRequests()) + " requests)",
        s.medianPuts() == puts && s.medianGets() == gets ? "holds"
            : s.medianRequests() < puts + gets ? "does not hold: fewer requests than claimed (a file this machine wrote last is changed without reading it)"
            : "does not hold: more requests than claimed")));
  }

  // ---- CSV ----

  private String samplesCsv() {
    StringBuilder csv = new StringBuilder("variant,archive_size,operation,millis,requests,bytes_up,bytes_down,allocated_bytes\n");
    for (OpSample s : results.samples()) {
      csv.append(String.join(",", s.variant().shortName(), String.valueOf(s.archiveSize()), s.operation(), fmt3(s.millis()),
          String.valueOf(s.requests()), String.valueOf(s.bytesUp()), String.valueOf(s.bytesDown()), String.valueOf(s.allocatedBytes()))).append('\n');
    }
    return csv.toString();
  }

  private String summaryCsv() {
    StringBuilder csv = new StringBuilder("variant,archive_size,operation,samples,p50_ms,p95_ms,requests,puts,gets,bytes_up,bytes_down,allocated_bytes,stored_bytes\n");
    for (OpSummary s : results.summaries()) {
      csv.append(String.join(",", s.variant().shortName(), String.valueOf(s.archiveSize()), s.operation(), String.valueOf(s.millis().samples()),
          fmt3(s.millis().p50()), fmt3(s.millis().p95()), fmt(s.medianRequests()), fmt(s.medianPuts()), fmt(s.medianGets()),
          fmt(s.medianBytesUp()), fmt(s.medianBytesDown()), fmt(s.medianAllocatedBytes()), String.valueOf(s.storedBytes()))).append('\n');
    }
    return csv.toString();
  }

  // ---- charts ----

  private void charts(Path dir) throws IOException {
    for (String op : Scenarios.OPERATIONS) {
      XYChart chart = new XYChartBuilder().width(720).height(420).title(op + " latency (p50) as the archive grows")
          .xAxisTitle("archived conversations").yAxisTitle("ms").build();
      chart.getStyler().setXAxisLogarithmic(true);
      for (StorageVariant variant : StorageVariant.values()) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int size : results.params().sizes()) {
          summary(variant, size, op).ifPresent(s -> {
            x.add((double) size);
            y.add(Math.max(s.millis().p50(), 0.001));
          });
        }
        if (!x.isEmpty()) {
          chart.addSeries(variant.label(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
      }
      BitmapEncoder.saveBitmap(chart, dir.resolve("latency-" + op).toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    XYChart concurrency = new XYChartBuilder().width(720).height(420).title("archives per second with concurrent writers")
        .xAxisTitle("writers").yAxisTitle("archives/s").build();
    for (StorageVariant variant : StorageVariant.values()) {
      for (String users : List.of("one user", "distinct users")) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        results.concurrency().stream().filter(c -> c.variant() == variant && c.users().equals(users)).forEach(c -> {
          x.add((double) c.writers());
          y.add(c.archivesPerSecond());
        });
        if (!x.isEmpty()) {
          concurrency.addSeries(variant.label() + ", " + users, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
      }
    }
    BitmapEncoder.saveBitmap(concurrency, dir.resolve("concurrency").toString(), BitmapEncoder.BitmapFormat.PNG);
    XYChart growth = new XYChartBuilder().width(720).height(420).title("archive latency (p50) over the months")
        .xAxisTitle("month").yAxisTitle("ms").build();
    for (StorageVariant variant : StorageVariant.values()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      results.growth().stream().filter(g -> g.variant() == variant).forEach(g -> {
        x.add((double) g.month());
        y.add(g.archiveMillis().p50());
      });
      if (!x.isEmpty()) {
        growth.addSeries(variant.label(), x, y).setMarker(SeriesMarkers.NONE);
      }
    }
    BitmapEncoder.saveBitmap(growth, dir.resolve("growth").toString(), BitmapEncoder.BitmapFormat.PNG);
    if (!results.overhead().isEmpty()) {
      org.knowm.xchart.CategoryChart bars = new org.knowm.xchart.CategoryChartBuilder().width(900).height(420)
          .title("calls per second at " + ServiceOverhead.MANY_CLIENTS + " clients: service over HTTP vs direct")
          .xAxisTitle("operation, network model").yAxisTitle("calls/s").build();
      List<String> categories = new ArrayList<>();
      for (String network : overheadNetworks()) {
        for (String op : List.of("retrieve", "list", "archive")) {
          categories.add(op + ", " + network);
        }
      }
      for (boolean service : List.of(false, true)) {
        List<Double> rates = new ArrayList<>();
        for (String network : overheadNetworks()) {
          for (String op : List.of("retrieve", "list", "archive")) {
            rates.add(overhead(network, op, service, ServiceOverhead.MANY_CLIENTS).map(Results.Overhead::perSecond).orElse(0.0));
          }
        }
        bars.addSeries(service ? "service over HTTP" : "direct call", categories, rates);
      }
      BitmapEncoder.saveBitmap(bars, dir.resolve("overhead").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    if (!results.sweeps().isEmpty()) {
      XYChart sweeper = new XYChartBuilder().width(720).height(420).title("conversations swept per second")
          .xAxisTitle("sweeper instances").yAxisTitle("conversations/s").build();
      sweeper.addSeries("swept per second", results.sweeps().stream().map(r -> (double) r.instances()).toList(),
          results.sweeps().stream().map(SweepBench.Run::perSecond).toList()).setMarker(SeriesMarkers.CIRCLE);
      BitmapEncoder.saveBitmap(sweeper, dir.resolve("sweeper").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
    XYChart tiers = new XYChartBuilder().width(720).height(420).title("monthly storage bill per user by S3 class")
        .xAxisTitle("archived conversations per user").yAxisTitle("USD per month").build();
    tiers.getStyler().setXAxisLogarithmic(true);
    tiers.getStyler().setYAxisLogarithmic(true);
    for (StorageVariant variant : List.of(DATABASE_INDEX, SINGLE_FILE)) {
      for (StorageClass storageClass : STORAGE_CLASSES) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int size : results.params().sizes()) {
          monthlyStorage(variant, size, storageClass).ifPresent(cost -> {
            x.add((double) size);
            y.add(Math.max(cost, 1e-7));
          });
        }
        if (!x.isEmpty()) {
          tiers.addSeries(variant.label() + ", " + storageClass.name(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
      }
    }
    if (!tiers.getSeriesMap().isEmpty()) {
      BitmapEncoder.saveBitmap(tiers, dir.resolve("tiers").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  // ---- formatting ----

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String latency(OpSummary s) {
    return latency(s.millis());
  }

  private static String latency(Stats stats) {
    return fmt(stats.p50()) + " (" + fmt(stats.p95()) + ")";
  }

  private static double ratio(Optional<Double> a, Optional<Double> b) {
    return a.isPresent() && b.isPresent() && b.get() > 0 ? a.get() / b.get() : Double.NaN;
  }

  /** The PostgreSQL index's p50 against the S3 index's, which the claims were about. */
  private static String indexVerdict(Optional<Double> database, Optional<Double> s3) {
    double ratio = ratio(database, s3);
    if (Double.isNaN(ratio)) {
      return "not measured";
    }
    return fmt(ratio) + "x: " + (ratio < 0.9 ? "faster" : ratio > 1.1 ? "slower" : "the same within 10%");
  }

  private static String ratioVerdict(double claimed, double measured) {
    if (Double.isNaN(measured)) {
      return "not measured";
    }
    if (measured <= 1) {
      return "does not hold: single-file is not slower";
    }
    return measured >= claimed / 2 && measured <= claimed * 2 ? "holds (within 2x of the claimed ratio)"
        : "direction holds, size does not (" + (measured < claimed ? "smaller" : "larger") + " gap than claimed)";
  }

  static String fmt(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return value >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String plain(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String fmt3(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String fmt6(double value) {
    return String.format(Locale.ROOT, "%.6f", value);
  }

  private static String fmt4(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String pct(double part, double whole) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * part / whole);
  }

  private static String pctSigned(double fraction) {
    return String.format(Locale.ROOT, "%+.0f%%", 100 * fraction);
  }

  static String bytes(double bytes) {
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (1 << 20));
    }
    if (bytes >= 1 << 10) {
      return String.format(Locale.ROOT, "%.1f KB", bytes / (1 << 10));
    }
    return String.format(Locale.ROOT, "%.0f B", bytes);
  }
}
