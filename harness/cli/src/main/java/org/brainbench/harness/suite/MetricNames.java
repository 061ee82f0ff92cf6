package org.brainbench.harness.suite;

import java.util.List;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.ClassificationMetrics;
import org.brainbench.tasks.metric.RegressionMetrics;

/** The metric keys of each task type, and which direction is better. */
public final class MetricNames {
  private MetricNames() {}

  public static List<String> of(TaskType type) {
    return switch (type) {
      case CLASSIFY -> ClassificationMetrics.KEYS;
      case REGRESS -> RegressionMetrics.KEYS;
      case SEGMENT -> List.of("dice", "hd95");
      case PRETRAIN -> List.of("loss");
    };
  }

  /** The metrics a task reports first when a suite does not say. */
  public static List<String> defaults(TaskType type) {
    return switch (type) {
      case CLASSIFY -> List.of("balancedAccuracy", "auc", "accuracy");
      case REGRESS -> List.of("mae", "r2");
      case SEGMENT -> List.of("dice", "hd95");
      case PRETRAIN -> List.of("loss");
    };
  }

  /** Whether larger values are better (false for errors and distances). */
  public static boolean higherIsBetter(String metric) {
    return !(metric.equals("mae") || metric.equals("rmse") || metric.startsWith("hd95") || metric.equals("loss"));
  }
}
