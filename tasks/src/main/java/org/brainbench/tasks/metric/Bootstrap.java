package org.brainbench.tasks.metric;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/**
 * Percentile bootstrap confidence intervals over cases: resample the cases with replacement,
 * recompute the metric, take the 2.5th and 97.5th percentiles. Seeded, so the interval is
 * reproducible. Resamples where the metric is undefined (NaN, e.g. AUC with one class) are skipped.
 */
public final class Bootstrap {
  public static final int DEFAULT_RESAMPLES = 1000;

  private Bootstrap() {}

  /**
   * @param metric computes the metric from the indices of the cases in a resample
   * @return {low, high}, or {NaN, NaN} when no resample gives a defined value
   */
  public static double[] confidenceInterval(int cases, Function<int[], Double> metric, int resamples, long seed) {
    Random random = new Random(seed);
    double[] values = new double[resamples];
    int defined = 0;
    int[] idx = new int[cases];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < cases; i++) {
        idx[i] = random.nextInt(cases);
      }
      double v = metric.apply(idx);
      if (!Double.isNaN(v)) {
        values[defined++] = v;
      }
    }
    if (defined == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return percentileInterval(Arrays.copyOf(values, defined));
  }

  /** The 2.5th and 97.5th percentiles (linear interpolation) of bootstrap values; sorts them in place. */
  public static double[] percentileInterval(double[] values) {
    if (values.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Arrays.sort(values);
    return new double[] {quantile(values, 0.025), quantile(values, 0.975)};
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
