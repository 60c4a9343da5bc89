package dev.convoarchive.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.convoarchive.http.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README stands on its own and says what the code does: its links stay inside the
 * repository, its configuration table is the settings list --help prints, and the deployment
 * files it shows are the ones in deploy/, which systemd accepts.
 */
class DocumentationTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  /** A path up out of a folder ("../"), not an ellipsis ("POST .../archive"). */
  private static final Pattern PARENT = Pattern.compile("(?<!\\.)\\.\\./");

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).forEach(documents::add);
    }
    return documents;
  }

  @Test
  void everyLinkLeadsToAFileOfTheRepository() throws IOException {
    for (Path document : documents()) {
      String text = read(document);
      assertThat(PARENT.matcher(text).find()).as(document + " points outside the repository").isFalse();
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1).replaceFirst("#.*$", "");
        assertThat(target).as(document + " links outside the repository").doesNotContain("://").doesNotStartWith("/");
        if (!target.isEmpty()) {
          Path resolved = document.getParent().resolve(target).normalize();
          assertThat(resolved).as(document + ": " + link.group(1)).startsWith(ROOT).exists();
        }
      }
    }
  }

  @Test
  void theConfigurationTableIsTheSettingsList() throws IOException {
    List<String> expected = new ArrayList<>();
    for (Settings.Setting setting : Settings.ALL) {
      expected.add("| `" + setting.name() + "` | " + setting.meaning() + " | "
          + (setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`") + " |");
    }
    String readme = read(ROOT.resolve("README.md"));
    int start = readme.indexOf("| variable | meaning | default |\n|---|---|---|\n");
    assertThat(start).as("the README's configuration table").isNotNegative();
    List<String> rows = readme.substring(start).lines().skip(2).takeWhile(line -> line.startsWith("|")).toList();
    assertThat(rows).containsExactlyElementsOf(expected);
  }

  @Test
  void theReadmeShowsTheDeployFilesAsTheyAre() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    assertThat(readme).contains("```ini\n" + read(ROOT.resolve("deploy/convo-archive.service")) + "```");
    assertThat(readme).contains("```json\n" + read(ROOT.resolve("deploy/s3-policy.json")) + "```");
  }

  @Test
  void systemdAcceptsTheUnit() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    assumeTrue(Files.isExecutable(analyze), "systemd is not installed here");
    Process verify = new ProcessBuilder(analyze.toString(), "verify", ROOT.resolve("deploy/convo-archive.service").toString())
        .redirectErrorStream(true).start();
    assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).as("no warnings about the unit").doesNotContain("convo-archive.service:");
  }
}
