package dev.convoarchive.http;

import dev.convoarchive.s3.testing.Faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.config.AppConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CheckStorageCommandTest {

  @Test
  void withNothingConfiguredItChecksTheEmbeddedStoreAndPasses() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CheckStorageCommand.run(AppConfig.loadStorage(Map.of(), new Properties()), new PrintStream(out, true, StandardCharsets.UTF_8),
        List.of());

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(report).isZero();
    assertThat(report).contains("checking the embedded S3 server").contains("[PASS] contended compare-and-swap")
        .doesNotContain("[FAIL]");
  }

  @Test
  void aStoreThatIgnoresConditionalWritesFailsWithANonZeroExitForALayoutThatNeedsThem() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CheckStorageCommand.run(AppConfig.loadStorage(Map.of("ARCHIVE_INDEX", "s3"), new Properties()),
        new PrintStream(out, true, StandardCharsets.UTF_8), List.of(new Faults().ignoreConditions(true)));

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).isEqualTo(1);
    assertThat(report).contains("[FAIL] create-only write").contains("create-only writes (If-None-Match: *) are ignored")
        .contains("FAILED: do not use this store");
  }

  /** The default, per-file with the PostgreSQL index, needs no conditional writes: such a store serves it. */
  @Test
  void theSameStorePassesForThePostgresIndexAndTheReportSaysWhatItCanServe() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CheckStorageCommand.run(AppConfig.loadStorage(Map.of(), new Properties()), new PrintStream(out, true, StandardCharsets.UTF_8),
        List.of(new Faults().ignoreConditions(true)));

    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(report).isZero();
    assertThat(report).contains("[FAIL] create-only write")
        .contains("per-file with ARCHIVE_INDEX=postgres: yes")
        .contains("per-file with ARCHIVE_INDEX=s3: no (it relies on conditional writes this store does not keep)")
        .contains("single-file: no (it relies on conditional writes this store does not keep)")
        .contains("OK: this store keeps every guarantee per-file with ARCHIVE_INDEX=postgres relies on");
  }
}
