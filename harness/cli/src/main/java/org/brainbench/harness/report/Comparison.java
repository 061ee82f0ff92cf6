package org.brainbench.harness.report;

/**
 * A model's primary metric minus the best model's, on the same test cases (runs paired by seed
 * and fold), with a 95% paired-bootstrap interval and a two-sided bootstrap p-value. The
 * difference is significant when the interval excludes zero.
 */
public record Comparison(String against, String metric, int pairs, double difference, double low, double high, double p) {
  public boolean significant() {
    return pairs > 0 && !Double.isNaN(low) && (low > 0 || high < 0);
  }
}
