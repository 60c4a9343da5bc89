package dev.convoarchive.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every option of the benches says what it does and what it is when not given. */
class OptionsHelpTest {

  @Test
  void everyOptionHasADescriptionAndADefault() {
    for (Object command : List.of(new BenchMain(), new SweepBench())) {
      CommandLine line = new CommandLine(command);
      String usage = line.getUsageMessage(CommandLine.Help.Ansi.OFF);
      for (OptionSpec option : line.getCommandSpec().options()) {
        if (option.usageHelp() || option.versionHelp()) {
          continue;
        }
        String name = option.longestName();
        String description = String.join(" ", option.description());
        assertThat(description).as(name + " is described").isNotBlank();
        boolean defaultShown = option.defaultValue() != null || option.arity().max() == 0
            || description.toLowerCase().contains("default");
        assertThat(defaultShown).as(name + " says its default").isTrue();
        assertThat(usage).contains(name);
      }
      assertThat(usage).contains("Default:");
    }
  }

  @Test
  void versionPrintsTheProjectsVersion() {
    java.io.StringWriter out = new java.io.StringWriter();
    CommandLine line = new CommandLine(new BenchMain());
    line.setOut(new java.io.PrintWriter(out));
    int exit = line.execute("--version");
    assertThat(exit).isZero();
    assertThat(out.toString().trim()).isEqualTo("strategy-bench " + System.getProperty("convo-archive.version"));
  }
}
