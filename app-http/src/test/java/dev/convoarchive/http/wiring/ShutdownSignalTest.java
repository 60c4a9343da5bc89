package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.Main;
import dev.convoarchive.http.support.ChildProcesses;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The service as an operator runs it: its own process, in local mode, stopped with SIGTERM. */
class ShutdownSignalTest {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void sigtermStopsLocalModeWithoutAStackTraceAndTheSecretIsTheOwnersAlone(@TempDir Path data) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), ChildProcesses.CHILD_JIT,
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("S3_") || name.startsWith("SUPABASE_"));
    builder.environment().put("PORT", "0");
    builder.environment().put("DATA_DIR", data.toString());
    Process process = builder.start();
    List<String> output = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          output.add(line);
          if (line.contains("is running in local mode")) {
            listening.countDown();
          }
        }
      } catch (java.io.IOException ended) {
        // the process is gone
      }
    });
    reader.start();
    try {
      assertThat(listening.await(120, TimeUnit.SECONDS)).as(String.join("\n", output)).isTrue();
      int before = output.size();

      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);

      List<String> atShutdown = new ArrayList<>(output.subList(before, output.size()));
      assertThat(atShutdown).as(String.join("\n", atShutdown))
          .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception") || line.contains(" ERROR "));
      if (data.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("jwt-secret"))))
            .isEqualTo("rw-------");
      }
    } finally {
      process.destroyForcibly();
    }
  }
}
