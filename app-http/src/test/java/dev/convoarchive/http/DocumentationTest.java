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
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation stands on its own and says what the code does: its links stay inside the
 * repository, the configuration table in docs/operations.md is the settings list --help prints,
 * the deployment files it shows are the ones in deploy/ (which systemd accepts), the public-types
 * table in docs/architecture.md is the adapters' public types, and measured figures live only in
 * the benchmark and reliability reports.
 */
class DocumentationTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path OPERATIONS = ROOT.resolve("docs/operations.md");
  private static final Path ARCHITECTURE = ROOT.resolve("docs/architecture.md");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  /** A path up out of a folder ("../x"), not an ellipsis ("POST .../archive"). */
  private static final Pattern PARENT = Pattern.compile("(?<![.\\w])((?:\\.\\./)+)");
  /** A measured figure: milliseconds, bytes, dollars or a ratio such as 23x. */
  private static final Pattern FIGURE = Pattern.compile("\\d ?(ms|[KMG]B)\\b|\\$\\d|\\d(\\.\\d+)?x\\b");
  /** The pages for newcomers, operators and contributors, which link to the reports instead of repeating them. */
  private static final List<String> WITHOUT_FIGURES = List.of("README.md", "docs/operations.md", "docs/architecture.md");
  /** What a newcomer reads in five minutes. */
  private static final int README_MAX_LINES = 120;

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }

  @Test
  void everyLinkLeadsToAFileOfTheRepository() throws IOException {
    for (Path document : documents()) {
      String text = read(document);
      Matcher up = PARENT.matcher(text);
      while (up.find()) {
        assertThat(document.getParent().resolve(up.group(1)).normalize()).as(document + " points outside the repository")
            .startsWith(ROOT);
      }
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1).replaceFirst("#.*$", "");
        assertThat(target).as(document + " links outside the repository").doesNotContain("://").doesNotStartWith("/");
        Path resolved = target.isEmpty() ? document : document.getParent().resolve(target).normalize();
        assertThat(resolved).as(document + ": " + link.group(1)).startsWith(ROOT).exists();
        if (link.group(1).contains("#") && resolved.toString().endsWith(".md")) {
          assertThat(anchors(resolved)).as(document + ": " + link.group(1) + " names a heading of " + resolved.getFileName())
              .contains(link.group(1).substring(link.group(1).indexOf('#') + 1));
        }
      }
    }
  }

  /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
  private static Set<String> anchors(Path page) throws IOException {
    Set<String> anchors = new TreeSet<>();
    boolean code = false;
    for (String line : read(page).lines().toList()) {
      code ^= line.startsWith("```");
      if (!code && line.startsWith("#")) {
        anchors.add(line.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  @Test
  void theConfigurationTableIsTheSettingsList() throws IOException {
    List<String> expected = new ArrayList<>();
    for (Settings.Setting setting : Settings.ALL) {
      expected.add("| `" + setting.name() + "` | " + setting.meaning() + " | "
          + (setting.defaultValue().isEmpty() ? "" : "`" + setting.defaultValue() + "`") + " |");
    }
    String operations = read(OPERATIONS);
    int start = operations.indexOf("| variable | meaning | default |\n|---|---|---|\n");
    assertThat(start).as("the configuration table of docs/operations.md").isNotNegative();
    List<String> rows = operations.substring(start).lines().skip(2).takeWhile(line -> line.startsWith("|")).toList();
    assertThat(rows).containsExactlyElementsOf(expected);
  }

  @Test
  void theDeployFilesAreShownAsTheyAre() throws IOException {
    String operations = read(OPERATIONS);
    assertThat(operations).contains("```ini\n" + read(ROOT.resolve("deploy/convo-archive.service")) + "```");
    assertThat(operations).contains("```json\n" + read(ROOT.resolve("deploy/s3-policy.json")) + "```");
  }

  /** Each adapter's table rows name its public top-level types, relative to its package, and only those. */
  @Test
  void thePublicTypesTableNamesEveryPublicTypeOfTheAdapters() throws IOException {
    String architecture = read(ARCHITECTURE);
    int start = architecture.indexOf("| adapter | public types | why each is public |\n|---|---|---|\n");
    assertThat(start).as("the public-types table of docs/architecture.md").isNotNegative();
    List<String> rows = architecture.substring(start).lines().skip(2).takeWhile(line -> line.startsWith("|")).toList();
    for (String adapter : List.of("adapters-s3", "adapters-supabase")) {
      Set<String> documented = new TreeSet<>();
      String current = null;
      for (String row : rows) {
        String[] cells = row.split("\\|");
        if (!cells[1].isBlank()) {
          current = cells[1].trim().replace("`", "");
        }
        if (adapter.equals(current)) {
          Matcher name = Pattern.compile("`([\\w.]+)`").matcher(cells[2]);
          while (name.find()) {
            documented.add(name.group(1));
          }
        }
      }
      assertThat(documented).as("the public types of " + adapter + " in docs/architecture.md")
          .containsExactlyElementsOf(publicTypes(adapter));
    }
  }

  /** The public top-level types of a module's main code, named relative to its base package (cas.ObjectStore). */
  private static Set<String> publicTypes(String module) throws IOException {
    Path sources = ROOT.resolve(module).resolve("src/main/java");
    Pattern declaration = Pattern.compile("(?m)^public (?:final |abstract |sealed |non-sealed )*(?:class|record|enum|interface|@interface) ");
    Set<String> types = new TreeSet<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (declaration.matcher(read(file)).find()) {
          types.add(sources.relativize(file).toString().replace(".java", "").replace('/', '.'));
        }
      }
    }
    String base = commonPackage(types);
    Set<String> relative = new TreeSet<>();
    types.forEach(type -> relative.add(type.substring(base.length() + 1)));
    return relative;
  }

  /** The module's base package: the longest package every type is in (dev.convoarchive.s3). */
  private static String commonPackage(Set<String> types) {
    String base = types.iterator().next();
    base = base.substring(0, base.lastIndexOf('.'));
    for (String type : types) {
      while (!type.startsWith(base + ".")) {
        base = base.substring(0, base.lastIndexOf('.'));
      }
    }
    return base;
  }

  @Test
  void measuredFiguresLiveOnlyInTheReports() throws IOException {
    for (String page : WITHOUT_FIGURES) {
      List<String> figures = new ArrayList<>();
      boolean code = false;
      for (String line : read(ROOT.resolve(page)).lines().toList()) {
        code ^= line.startsWith("```");
        Matcher figure = FIGURE.matcher(line);
        if (!code && figure.find()) {
          figures.add(line.strip());
        }
      }
      assertThat(figures).as(page + " repeats figures of docs/benchmarks.md or docs/reliability.md; link to them instead")
          .isEmpty();
    }
  }

  @Test
  void theReadmeIsShortAndLeadsToTheThreeReadersPages() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    assertThat(readme.lines().count()).as("README.md lines").isLessThanOrEqualTo(README_MAX_LINES);
    assertThat(readme).contains("](docs/operations.md)", "](docs/architecture.md)", "](docs/benchmarks.md)");
  }

  @Test
  void theArchitectureSaysWhereEachExtensionGoes() throws IOException {
    String architecture = read(ARCHITECTURE);
    assertThat(architecture).contains("\n## Adding a storage variant\n", "\n## Adding a live database\n", "\n## Adding a route\n");
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
