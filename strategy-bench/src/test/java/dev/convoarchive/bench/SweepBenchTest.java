package dev.convoarchive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The sweeper bench runs small and writes its table; its timings are what it measures, not asserted. */
class SweepBenchTest {

  @Test
  void aSmallRunSweepsEverythingWithEachInstanceCountAndWritesTheTable(@TempDir Path out) throws Exception {
    Path table = out.resolve("sweep.md");
    int exit = new CommandLine(new SweepBench()).execute("--conversations", "60", "--instances", "1,2", "--out", table.toString());

    assertThat(exit).isZero();
    assertThat(Files.readString(table)).contains("| 1 | 60 |").contains("| 2 | 60 |");
  }
}
