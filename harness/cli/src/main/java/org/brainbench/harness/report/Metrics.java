package org.brainbench.harness.report;

import java.util.List;
import java.util.Set;

/** What a report knows about metric keys: which way is better, and which to show per task type. */
public final class Metrics {
  /** Keys where a smaller value is better; every other metric is higher-is-better. */
  private static final Set<String> LOWER_IS_BETTER = Set.of("mae", "rmse", "hd95", "loss", "trainLoss");

  private Metrics() {}

  public static boolean higherIsBetter(String metric) {
    return !LOWER_IS_BETTER.contains(metric) && !metric.startsWith("hd95");
  }

  /** The columns a leaderboard shows for a task type (DESIGN.md metric keys). */
  public static List<String> shown(String taskType) {
    return switch (taskType) {
      case "classify" -> List.of("balancedAccuracy", "auc");
      case "regress" -> List.of("mae", "r2");
      case "segment" -> List.of("dice", "hd95");
      case "pretrain" -> List.of("loss", "embeddingStd");
      default -> List.of();
    };
  }

  /**
   * The metric models are ranked and compared by: AUC for classification (threshold-free, so a
   * model that learned to rank but not yet to cross 0.5 is not scored as chance), MAE for
   * regression (the brain-age literature's number), mean Dice for segmentation.
   */
  public static String primary(String taskType) {
    return switch (taskType) {
      case "classify" -> "auc";
      case "regress" -> "mae";
      case "segment" -> "dice";
      default -> "loss";
    };
  }

  /** True when {@code a} is better than {@code b} for this metric. */
  public static boolean better(String metric, double a, double b) {
    return higherIsBetter(metric) ? a > b : a < b;
  }
}
