package dev.convoarchive.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles by nearest rank over repeated samples; a single sample is never reported as a result. */
record Stats(int samples, double p50, double p95, double min, double max) {

  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return new Stats(sorted.length, rank(sorted, 0.50), rank(sorted, 0.95), sorted[0], sorted[sorted.length - 1]);
  }

  private static double rank(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
