package org.brainbench.harness.compare;

import java.util.Locale;

/**
 * How far a metric may move in the worse direction before it counts as a regression: an absolute
 * amount ({@code auc=0.02}) or a fraction of the baseline ({@code mae=5%}).
 */
public record Tolerance(String metric, double amount, boolean relative) {
  public Tolerance {
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new IllegalArgumentException("tolerance for " + metric + " must be a finite number >= 0, got " + amount);
    }
  }

  /** Parses {@code METRIC=0.02} or {@code METRIC=5%}. */
  public static Tolerance parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0 || eq == text.length() - 1) {
      throw new IllegalArgumentException("expected METRIC=AMOUNT or METRIC=PERCENT%, got \"" + text + "\"");
    }
    String metric = text.substring(0, eq).trim();
    String value = text.substring(eq + 1).trim();
    boolean relative = value.endsWith("%");
    try {
      double amount = Double.parseDouble(relative ? value.substring(0, value.length() - 1) : value);
      return new Tolerance(metric, relative ? amount / 100 : amount, relative);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + value + "\" is not a number (in \"" + text + "\")");
    }
  }

  /** The largest allowed worsening from {@code baseline}. */
  public double allowance(double baseline) {
    return relative ? amount * Math.abs(baseline) : amount;
  }

  @Override
  public String toString() {
    return relative ? String.format(Locale.ROOT, "%.3g%%", amount * 100) : String.format(Locale.ROOT, "%.3g", amount);
  }
}
