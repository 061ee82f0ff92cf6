package org.brainbench.harness.compare;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * One metric of one condition (a cell across its seeds): is the current mean worse than the
 * baseline's by more than the seeds' spread explains? Welch's t-test, one-sided, on the difference
 * of the two means, with the Welch-Satterthwaite degrees of freedom.
 *
 * @param worse how much worse the current mean is (positive: worse, in the metric's own direction)
 * @param se the standard error of the difference of the means
 * @param df degrees of freedom (infinite when neither side varies)
 * @param p the one-sided p-value of "the current runs are worse"
 */
public record WelchTest(int baselineRuns, double baselineMean, double baselineSd, int currentRuns, double currentMean, double currentSd,
    double worse, double se, double df, double p) {

  /** @param higherIsBetter the metric's direction */
  public static WelchTest of(double[] baseline, double[] current, boolean higherIsBetter) {
    if (baseline.length < 2 || current.length < 2) {
      throw new IllegalArgumentException("Welch's test needs two runs or more on each side, got " + baseline.length + " and " + current.length);
    }
    double mb = mean(baseline);
    double mc = mean(current);
    double vb = variance(baseline, mb);
    double vc = variance(current, mc);
    double worse = higherIsBetter ? mb - mc : mc - mb;
    double qb = vb / baseline.length;
    double qc = vc / current.length;
    double se = Math.sqrt(qb + qc);
    double df = qb + qc == 0 ? Double.POSITIVE_INFINITY
        : (qb + qc) * (qb + qc) / (qb * qb / (baseline.length - 1) + qc * qc / (current.length - 1));
    double p;
    if (se == 0) {
      p = worse > 0 ? 0 : worse < 0 ? 1 : 0.5; // no spread at all: the sign of the difference decides
    } else {
      p = 1 - cdf(worse / se, df);
    }
    return new WelchTest(baseline.length, mb, Math.sqrt(vb), current.length, mc, Math.sqrt(vc), worse, se, df, p);
  }

  /** The smallest worsening this test would call significant at one-sided level {@code alpha}: t(1 - alpha, df) x se. */
  public double detectable(double alpha) {
    if (se == 0) {
      return 0;
    }
    return quantile(1 - alpha, df) * se;
  }

  private static double cdf(double t, double df) {
    return Double.isInfinite(df) || df > 1e7 ? new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(t)
        : new TDistribution(df).cumulativeProbability(t);
  }

  private static double quantile(double q, double df) {
    return Double.isInfinite(df) || df > 1e7 ? new org.apache.commons.math3.distribution.NormalDistribution().inverseCumulativeProbability(q)
        : new TDistribution(df).inverseCumulativeProbability(q);
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
