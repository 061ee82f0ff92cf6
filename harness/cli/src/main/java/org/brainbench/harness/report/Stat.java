package org.brainbench.harness.report;

import java.util.List;

/**
 * A metric over a group's runs: mean and sample standard deviation over the runs (seeds, folds),
 * and a 95% bootstrap interval of that mean over test cases (NaN where predictions are missing).
 */
public record Stat(double mean, double sd, int n, double low, double high) {
  public static Stat of(List<Double> values, double[] interval) {
    double[] v = values.stream().filter(d -> !Double.isNaN(d)).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return new Stat(Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN);
    }
    double mean = 0;
    for (double d : v) {
      mean += d;
    }
    mean /= v.length;
    double ss = 0;
    for (double d : v) {
      ss += (d - mean) * (d - mean);
    }
    double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : Double.NaN;
    return new Stat(mean, sd, v.length, interval[0], interval[1]);
  }
}
