package dev.convoarchive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.s3.StorageVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the bench in --quick mode and checks that what it reports hangs together. Timings are not
 * checked here: they are what the bench measures, not what a test may assert.
 */
class QuickBenchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void quickRunWritesAConsistentReport(@TempDir Path out) throws Exception {
    int exit = new CommandLine(new BenchMain()).execute("--quick", "--out", out.toString());
    assertThat(exit).isZero();

    JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
    int repeats = results.at("/params/repeats").asInt();
    List<Integer> sizes = JSON.convertValue(results.at("/params/sizes"), JSON.getTypeFactory().constructCollectionType(List.class, Integer.class));
    assertThat(sizes).containsExactly(10, 100);

    // Every operation of every variant and size has its repeats, each sample's counts add up.
    int variants = StorageVariant.values().length;
    assertThat(results.get("summaries")).hasSize(variants * sizes.size() * (Scenarios.OPERATIONS.size() + 1)); // + the bare PUT
    for (JsonNode summary : results.get("summaries")) {
      assertThat(summary.at("/millis/samples").asInt()).isEqualTo(repeats);
      assertThat(summary.at("/millis/p95").asDouble()).isGreaterThanOrEqualTo(summary.at("/millis/p50").asDouble());
    }
    for (JsonNode sample : results.get("samples")) {
      int byOperation = 0;
      for (JsonNode count : sample.get("requestsByOperation")) {
        byOperation += count.asInt();
      }
      assertThat(sample.get("requests").asInt()).isEqualTo(byOperation);
      // Every operation asks S3, except a listing from the PostgreSQL index, which asks none.
      boolean databaseList = sample.get("variant").asText().equals("per-file-postgres")
          && sample.get("operation").asText().equals("list");
      if (databaseList) {
        assertThat(sample.get("requests").asInt()).as(sample.toString()).isZero();
      } else {
        assertThat(sample.get("requests").asInt()).as(sample.toString()).isPositive();
      }
    }
    // What the variants must do, as counted (not timed).
    for (JsonNode summary : results.get("summaries")) {
      String variant = summary.get("variant").asText();
      String operation = summary.get("operation").asText();
      if (variant.startsWith("per-file") && operation.equals("retrieve")) {
        assertThat(summary.get("medianRequests").asDouble()).as(variant + " retrieve").isEqualTo(1);
      }
      if (variant.equals("per-file-postgres") && operation.equals("archive")) {
        assertThat(summary.get("medianRequests").asDouble()).as("PostgreSQL index archive").isEqualTo(1);
      }
    }
    for (JsonNode run : results.get("concurrency")) {
      assertThat(run.get("lost").asInt()).isEqualTo(run.get("acknowledged").asInt() - run.get("found").asInt()).isZero();
    }
    for (JsonNode failed : results.get("failedUploads")) {
      assertThat(failed.get("conversationsLost").asInt()).isZero();
      assertThat(failed.get("bytesInFailedUpload").asLong()).isPositive();
    }
    assertThat(results.get("growth")).hasSize(variants * results.at("/params/growthMonths").asInt());
    assertThat(results.get("costs")).hasSize(variants);

    String report = Files.readString(out.resolve("report.md"));
    for (int claim = 1; claim <= 7; claim++) {
      assertThat(report).contains("## Claim " + claim);
    }
    assertThat(report).contains("## Targets").contains("| per-file (S3 index) retrieve = 1 request (100) | 1 | PASS |")
        .contains("| per-file (PostgreSQL index) archive = 1 S3 request (100) | 1 | PASS |")
        .contains("| per-file (PostgreSQL index) list = 0 S3 requests (100) | 0 | PASS |")
        .contains("zero lost updates in every concurrency scenario, every variant | 0 lost");
    assertThat(Files.readAllLines(out.resolve("samples.csv"))).hasSize(1 + results.get("samples").size());

    // Service overhead: both paths of each operation, at one client and at many, all answered
    // (quick runs have no network model, so once).
    assertThat(results.get("overhead")).hasSize(3 * 2 * 2);
    for (JsonNode row : results.get("overhead")) {
      assertThat(row.get("calls").asInt()).as(row.toString()).isPositive();
      assertThat(row.get("perSecond").asDouble()).as(row.toString()).isPositive();
      if (row.get("clients").asInt() == 1) {
        assertThat(row.at("/millis/samples").asInt()).isEqualTo(row.get("calls").asInt());
        assertThat(row.get("allocatedBytesPerCall").asDouble()).as(row.toString()).isPositive();
      } else {
        assertThat(row.get("clients").asInt()).isEqualTo(ServiceOverhead.MANY_CLIENTS);
        assertThat(row.get("cpuMillisPerCall").asDouble()).as(row.toString()).isPositive();
      }
    }
    // The sweeper swept every conversation in each run; the footprints were measured.
    assertThat(results.get("sweeps")).hasSize(2).allSatisfy(run -> assertThat(run.get("conversations").asInt()).isEqualTo(100));
    assertThat(results.at("/footprint/liveBytesPerConversation").asDouble())
        .isGreaterThan(results.at("/footprint/indexBytesPerConversation").asDouble());
    assertThat(results.at("/footprint/indexBytesPerConversation").asDouble()).isPositive();
    // The search scenario measured each size, every query answered, and its targets are judged.
    assertThat(results.get("searches")).hasSize(2).allSatisfy(run -> {
      assertThat(run.at("/searchMillis/samples").asInt()).isEqualTo(run.get("queries").asInt()).isPositive();
      assertThat(run.get("documentBytesPerConversation").asDouble()).isPositive();
      assertThat(run.get("liveBytesPerConversation").asDouble()).isPositive();
      assertThat(run.get("hitsPerPage").asDouble()).isPositive().isLessThanOrEqualTo(20);
    });
    assertThat(results.at("/backfill/runs")).hasSize(4).allSatisfy(run -> {
      assertThat(run.get("seconds").asDouble()).isPositive();
      assertThat(run.get("walBytesPerConversation").asDouble()).isPositive();
      assertThat(run.at("/app/reads/samples").asInt()).isPositive();
    });
    assertThat(results.at("/backfill/retention/erased").asInt()).isEqualTo(results.at("/backfill/retention/entries").asInt())
        .isPositive();
    assertThat(report).contains("## Backfill: a backlog moved out beside the app").contains("| at least 0.7x the limit |")
        .contains("**10 million conversations, on paper.**");
    assertThat(report).contains("## Search in the archive").contains("| search p50 at most 50 ms at 150 |");
    assertThat(report).contains("## The bill, completed").contains("## Service overhead").contains("## Sweeper")
        .contains("| service retrieve throughput at 16 clients >= 0.9x the direct SDK GET (network model: none (loopback)) |")
        .contains("| service archive allocation within 1.5x of the bare SDK PutObject (network model: none (loopback)) |");
    for (String chart : List.of("latency-archive", "latency-retrieve", "latency-list", "latency-delete", "concurrency", "growth",
        "overhead", "sweeper", "tiers")) {
      byte[] png = Files.readAllBytes(out.resolve("charts").resolve(chart + ".png"));
      assertThat(png).as(chart).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
  }
}
