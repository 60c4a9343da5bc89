package dev.convoarchive.s3;

import java.util.List;

/**
 * The configured store lacks a guarantee the configured storage variant relies on (found by the start-up
 * probe); the message names which and what it would cost. The service does not start on it.
 */
public final class UnsafeStorageException extends IllegalStateException {

  private final List<String> problems;

  UnsafeStorageException(String bucket, List<String> problems, String hint) {
    super("storage probe of bucket " + bucket + " failed: " + String.join("; ", problems) + (hint.isEmpty() ? "" : ". " + hint));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
