package dev.convoarchive.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine's CPUs were over an interval (every process: the bench, the embedded
 * servers, PostgreSQL), from Linux's /proc/stat; NaN elsewhere. It tells whether a scenario ran
 * out of CPU or waited on something else.
 */
final class MachineCpu {

  /** Cumulative busy and total jiffies of all CPUs. */
  record Sample(long busy, long total) {}

  private MachineCpu() {}

  static Sample sample() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0); // idle + iowait
      return new Sample(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The busy fraction (0..1) of all CPUs since {@code before}; NaN when unknown. */
  static double busySince(Sample before) {
    Sample now = sample();
    if (before == null || now == null || now.total() == before.total()) {
      return Double.NaN;
    }
    return (double) (now.busy() - before.busy()) / (now.total() - before.total());
  }
}
