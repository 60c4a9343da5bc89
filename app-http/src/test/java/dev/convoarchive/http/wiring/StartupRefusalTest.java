package dev.convoarchive.http.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.convoarchive.http.Main;
import dev.convoarchive.http.support.AppDatabase;
import dev.convoarchive.http.support.ChildProcesses;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A start-up refusal is read by a person: its message, no stack trace. */
class StartupRefusalTest {

  @Test
  void aDatabaseWithoutTheAppsTablesStopsStartUpWithItsMessageAndNoStackTrace() throws Exception {
    AppDatabase empty = AppDatabase.empty();
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-Xmx256m",
        ChildProcesses.CHILD_JIT, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    ChildProcesses.putStores(builder.environment(), empty.config());
    builder.environment().put("PORT", "0");
    Process child = builder.redirectErrorStream(true).start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("it stops by itself").isTrue();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(child.exitValue()).isEqualTo(1);
    assertThat(output).contains("convo-archive cannot start: the live database does not have the tables")
        .contains("LIVE_CONVERSATIONS_TABLE");
    assertThat(output.lines().filter(line -> line.startsWith("\tat ") || line.contains("Exception:")))
        .as("no stack trace").isEmpty();
  }
}
