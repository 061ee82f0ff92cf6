package org.brainbench.tasks.metric;

import static org.brainbench.tasks.metric.MetricDefinition.Direction.HIGHER_IS_BETTER;
import static org.brainbench.tasks.metric.MetricDefinition.Direction.LOWER_IS_BETTER;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricDefinition.Direction;

/**
 * Every metric brainbench reports, each defined once. Suite validation, {@code describe}, the
 * leaderboards, the training loop's early stopping and {@code compare} all read their metric names,
 * directions and defaults from here. Within a task type the order is the order a task reports its
 * default metrics in.
 */
public final class MetricRegistry {
  private static final Map<String, MetricDefinition> ALL = new LinkedHashMap<>();

  static {
    TaskType c = TaskType.CLASSIFY;
    add("balancedAccuracy", c, HIGHER_IS_BETTER, "mean recall over the classes present in the truth", true, true, true, false);
    add("auc", c, HIGHER_IS_BETTER,
        "ROC AUC of the positive (second) class; one-vs-rest macro for more classes; undefined (null) with one class", true, true, true, true);
    add("accuracy", c, HIGHER_IS_BETTER, "share of cases whose most probable class is the true class", true, true, false, false);
    add("f1", c, HIGHER_IS_BETTER, "F1 of the positive class; macro over classes for more", true, false, false, false);
    add("sensitivity", c, HIGHER_IS_BETTER, "recall of the positive class; macro one-vs-rest for more", true, false, false, false);
    add("specificity", c, HIGHER_IS_BETTER, "recall of the negative class; macro one-vs-rest for more", true, false, false, false);
    TaskType r = TaskType.REGRESS;
    add("mae", r, LOWER_IS_BETTER, "mean absolute error (years)", true, true, true, true);
    add("r2", r, HIGHER_IS_BETTER, "coefficient of determination, 1 - SS_res/SS_tot", true, true, true, false);
    add("rmse", r, LOWER_IS_BETTER, "root mean squared error (years)", true, false, false, false);
    add("pearson", r, HIGHER_IS_BETTER, "Pearson's r between truth and prediction", true, false, false, false);
    TaskType s = TaskType.SEGMENT;
    add("dice", s, HIGHER_IS_BETTER,
        "Dice 2|A∩B|/(|A|+|B|), mean over cases and labels; 1 when both masks are empty", true, true, true, true);
    add("hd95", s, LOWER_IS_BETTER, "95th percentile Hausdorff distance between mask edges in mm, mean over cases and labels; "
        + "the image diagonal when exactly one mask is empty, 0 when both are", true, true, true, false);
    add("dicePerLabel", s, HIGHER_IS_BETTER, "dice of each label, mean over cases (a map from label value)", false, false, false, false);
    add("hd95PerLabel", s, LOWER_IS_BETTER, "hd95 of each label, mean over cases (a map from label value)", false, false, false, false);
    for (String region : List.of("WT", "TC", "ET")) {
      add("dice" + region, s, HIGHER_IS_BETTER, "Dice of the BraTS region " + region + " (the union of its labels), mean over cases; "
          + "reported when the task has regions", true, false, false, false);
    }
    for (String region : List.of("WT", "TC", "ET")) {
      add("hd95" + region, s, LOWER_IS_BETTER, "HD95 of the BraTS region " + region + " in mm, mean over cases, empty masks as for hd95; "
          + "reported when the task has regions", true, false, false, false);
    }
    TaskType p = TaskType.PRETRAIN;
    add("loss", p, LOWER_IS_BETTER, "the pre-training objective on the stage's validation scans, at the best epoch", true, true, true, true);
    add("embeddingStd", p, HIGHER_IS_BETTER,
        "spread of the encoder's embeddings across tokens at the last epoch; falls to 0 when the encoder collapses", false, false, true, false);
    add("trainLoss", p, LOWER_IS_BETTER, "the pre-training objective on the training scans, last epoch", false, false, false, false);
    add("embeddingStdStart", p, HIGHER_IS_BETTER, "embeddingStd at the first epoch (the collapse check compares with it)", false, false, false, false);
  }

  private MetricRegistry() {}

  private static void add(String name, TaskType task, Direction direction, String definition, boolean selectable, boolean reported, boolean shown,
      boolean primary) {
    if (ALL.put(name, new MetricDefinition(name, task, direction, definition, selectable, reported, shown, primary)) != null) {
      throw new IllegalStateException("metric " + name + " defined twice");
    }
  }

  public static List<MetricDefinition> all() {
    return List.copyOf(ALL.values());
  }

  /** The metric of this name, if brainbench has one. */
  public static Optional<MetricDefinition> find(String name) {
    return Optional.ofNullable(ALL.get(name));
  }

  /** The metric of this name; an {@link IllegalArgumentException} naming the known ones if there is none. */
  public static MetricDefinition get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown metric \"" + name + "\"; one of " + ALL.keySet()));
  }

  public static List<MetricDefinition> of(TaskType type) {
    return ALL.values().stream().filter(m -> m.task() == type).toList();
  }

  /** The metrics a suite may list for a task of this type. */
  public static List<String> selectable(TaskType type) {
    return names(type, MetricDefinition::selectable);
  }

  /** What a task reports first when its suite does not say; the first drives early stopping. */
  public static List<String> reported(TaskType type) {
    return names(type, MetricDefinition::reported);
  }

  /** The leaderboard's columns, and what {@code compare} checks by default. */
  public static List<String> shown(TaskType type) {
    return names(type, MetricDefinition::shown);
  }

  /** The metric leaderboards rank this task type by. */
  public static MetricDefinition primary(TaskType type) {
    return of(type).stream().filter(MetricDefinition::primary).findFirst().orElseThrow();
  }

  /** The BraTS region metrics ({@code diceWT} ... {@code hd95ET}), reported only by tasks with regions. */
  public static boolean isRegionMetric(String name) {
    return name.matches("(dice|hd95)(WT|TC|ET)");
  }

  /**
   * Whether larger values are better. Names outside the registry that extend a registered one
   * ({@code hd95WT}, {@code diceET}) take its direction; anything else is higher-is-better.
   */
  public static boolean higherIsBetter(String name) {
    MetricDefinition m = ALL.get(name);
    if (m == null) {
      for (MetricDefinition d : ALL.values()) {
        if (name.startsWith(d.name())) {
          return d.higherIsBetter();
        }
      }
      return true;
    }
    return m.higherIsBetter();
  }

  private static List<String> names(TaskType type, java.util.function.Predicate<MetricDefinition> keep) {
    List<String> out = new ArrayList<>();
    for (MetricDefinition m : of(type)) {
      if (keep.test(m)) {
        out.add(m.name());
      }
    }
    return out;
  }
}
