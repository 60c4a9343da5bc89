package dev.convoarchive.http.config;

import java.util.List;

/** The configuration cannot start the service; every problem is listed so all can be fixed at once. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("convo-archive cannot start:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
