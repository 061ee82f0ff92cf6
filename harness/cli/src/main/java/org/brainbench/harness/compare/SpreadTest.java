package org.brainbench.harness.compare;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * One metric of one condition (a cell across its seeds): is the current mean worse than the
 * baseline's by more than the seeds' spread explains?
 *
 * <p>Student's two-sample t-test, one-sided: t = (how much worse the current mean is) / (s *
 * sqrt(1/n_b + 1/n_c)), s the pooled standard deviation of both sides' runs ((n_b - 1) s_b^2 +
 * (n_c - 1) s_c^2) / (n_b + n_c - 2), with n_b + n_c - 2 degrees of freedom. With one current run
 * it is the baseline's spread alone (n_b - 1 degrees of freedom), so a CI run of one seed is
 * tested too. Pooling, rather than the baseline's spread alone, is what keeps short, chaotic
 * training from crying wolf: a CI run with one seed that failed to learn (which happens, at the
 * same rate as in the baseline) shows its own spread, and the mean's shift is judged against it.
 * Measured on the regression suite's ten-seed baseline (docs/results.md, "How the gate was
 * tested"): fewer false alarms than the baseline's spread alone and no less power.
 *
 * @param worse how much worse the current mean is (positive: worse, in the metric's own direction)
 * @param se the standard error of the difference of the means, from the pooled spread
 * @param df degrees of freedom (n_b + n_c - 2)
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
    int nb = baseline.length;
    int nc = current.length;
    double pooled = nc < 2 ? sb : Math.sqrt(((nb - 1) * sb * sb + (nc - 1) * sc * sc) / (nb + nc - 2));
    double se = pooled * Math.sqrt(1.0 / nb + 1.0 / nc);
    double df = nb + nc - 2;
    double p;
    if (se == 0) {
      p = worse > 0 ? 0 : worse < 0 ? 1 : 0.5; // no run varies: the sign of the difference decides (the floor guards)
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
