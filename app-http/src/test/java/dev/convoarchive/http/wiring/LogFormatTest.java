package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.convoarchive.http.Main;
import dev.convoarchive.http.support.ChildProcesses;
import dev.convoarchive.http.support.TestStores;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The service's own output as an operator's log shipper sees it: every line timestamped with its zone. */
class LogFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs the service as its own process with {@code format}, serves one request, stops it; returns its output lines. */
  private static List<String> linesOfARun(String format) throws Exception {
    int port = ChildProcesses.freePort();
    File log = new File("target/log-format-" + format + ".log");
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
        // The service's own logback.xml, not the quieter logback-test.xml on the test class path.
        ChildProcesses.CHILD_JIT, "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
        Main.class.getName());
    ChildProcesses.putStores(builder.environment(), TestStores.database());
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("LOG_FORMAT", format);
    Process child = builder.redirectErrorStream(true).redirectOutput(log).start();
    try {
      ChildProcesses.awaitReady(port, child);
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/v1/users/me/archive")).header("X-Request-Id", "log-format-check").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(401);
    } finally {
      child.destroy();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    return Files.readAllLines(Path.of(log.getPath()), StandardCharsets.UTF_8);
  }

  @Test
  void jsonLinesAreOneObjectPerLineWithAnIsoTimestampAndTheRequestId() throws Exception {
    List<String> lines = linesOfARun("json");

    assertThat(lines).isNotEmpty();
    boolean sawRequest = false;
    for (String line : lines) {
      JsonNode event = JSON.readTree(line); // every line, also the embedded servers' and the access log
      assertThat(event.isObject()).as(line).isTrue();
      OffsetDateTime time = OffsetDateTime.parse(event.get("@timestamp").asText());
      assertThat(time.getOffset()).as(line).isNotNull();
      assertThat(event.get("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      assertThat(event.has("message")).isTrue();
      sawRequest |= "log-format-check".equals(event.path("requestId").asText());
    }
    assertThat(sawRequest).as("the access log line carries the request id").isTrue();
  }

  @Test
  void textLinesStartWithAnIsoTimestampWithItsZone() throws Exception {
    List<String> lines = linesOfARun("text");

    assertThat(lines).isNotEmpty();
    for (String line : lines.stream().filter(line -> !line.isBlank() && !line.startsWith("\t") && !line.startsWith("Caused")).toList()) {
      String stamp = line.substring(0, line.indexOf(' '));
      assertThat(OffsetDateTime.parse(stamp).getOffset()).as(line).isNotNull();
    }
    assertThat(lines).anyMatch(line -> line.contains("[log-format-check]") && line.contains("-> 401"));
  }
}
