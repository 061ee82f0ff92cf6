package org.brainbench.harness.compare;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * One metric of one condition (a cell across its seeds): is the current mean worse than the
 * baseline's by more than the baseline's own seed-to-seed spread explains?
 *
 * <p>The statistic is t = (how much worse the current mean is) / (s_b * sqrt(1/n_b + 1/n_c)), with
 * s_b the baseline runs' standard deviation, n_b and n_c the runs on each side. If the current runs
 * come from the baseline's distribution, t follows Student's t with n_b - 1 degrees of freedom
 * (the difference of means is normal with variance sigma^2 (1/n_b + 1/n_c), and s_b is independent
 * of both means), so p = P(T > t) is a one-sided p-value. Only the baseline's spread is used: it is
 * recorded once with many seeds, while a CI run may have few (even one); a current side that
 * scatters more than the baseline is only more likely to be flagged.
 *
 * @param worse how much worse the current mean is (positive: worse, in the metric's own direction)
 * @param se the standard error of the difference of the means, from the baseline's spread
 * @param df degrees of freedom (n_b - 1)
 * @param p the one-sided p-value of "the current runs are worse"
 */
public record SpreadTest(int baselineRuns, double baselineMean, double baselineSd, int currentRuns, double currentMean, double currentSd,
    double worse, double se, double df, double p) {

  /** @param higherIsBetter the metric's direction */
  public static SpreadTest of(double[] baseline, double[] current, boolean higherIsBetter) {
    if (baseline.length < 2 || current.length < 1) {
      throw new IllegalArgumentException("the test needs two baseline runs or more and one current run, got " + baseline.length + " and " + current.length);
    }
    double mb = mean(baseline);
    double mc = mean(current);
    double sb = Math.sqrt(variance(baseline, mb));
    double sc = current.length < 2 ? Double.NaN : Math.sqrt(variance(current, mc));
    double worse = higherIsBetter ? mb - mc : mc - mb;
    double se = sb * Math.sqrt(1.0 / baseline.length + 1.0 / current.length);
    double df = baseline.length - 1;
    double p;
    if (se == 0) {
      p = worse > 0 ? 0 : worse < 0 ? 1 : 0.5; // the baseline does not vary: the sign of the difference decides (the floor guards)
    } else {
      p = 1 - new TDistribution(df).cumulativeProbability(worse / se);
    }
    return new SpreadTest(baseline.length, mb, sb, current.length, mc, sc, worse, se, df, p);
  }

  /** The smallest worsening this test would call significant at one-sided level {@code alpha}: t(1 - alpha, df) x se. */
  public double detectable(double alpha) {
    if (se == 0) {
      return 0;
    }
    return new TDistribution(df).inverseCumulativeProbability(1 - alpha) * se;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** The unbiased sample variance. */
  private static double variance(double[] v, double mean) {
    double s = 0;
    for (double x : v) {
      s += (x - mean) * (x - mean);
    }
    return s / (v.length - 1);
  }
}
