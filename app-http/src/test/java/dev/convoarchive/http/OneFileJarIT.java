package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.support.ChildProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar runs as one file: copied alone into an empty folder, it prints its version,
 * fills in a SQL script, and starts the embedded S3 server (a Spring Boot app, the part a merged
 * jar would break) for check-storage. Run by failsafe after the jar is packaged.
 */
class OneFileJarIT {

  private static final Path JAR = Path.of("target", "convo-archive.jar");

  private static String run(Path folder, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        ChildProcesses.CHILD_JIT, "-jar", "convo-archive.jar"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("S3_") || name.startsWith("SUPABASE_")
        || name.startsWith("LIVE_"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  @Test
  void theJarAloneRunsTheService(@TempDir Path folder) throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.stream().filter(entry -> entry.getName().startsWith("BOOT-INF/lib/")).count())
          .as("the dependencies are inside").isGreaterThan(50);
    }
    Files.copy(JAR, folder.resolve("convo-archive.jar"), StandardCopyOption.REPLACE_EXISTING);

    assertThat(run(folder, "--version").trim()).isEqualTo("convo-archive " + System.getProperty("convo-archive.version"));
    assertThat(run(folder, "print-sql", "service-role")).contains("create role convo_archive_service");
    assertThat(run(folder, "check-storage")).contains("checking the embedded S3 server")
        .contains("OK: this store keeps every guarantee");
    try (var files = Files.list(folder)) {
      assertThat(files.map(path -> path.getFileName().toString())).containsExactly("convo-archive.jar");
    }
  }
}
