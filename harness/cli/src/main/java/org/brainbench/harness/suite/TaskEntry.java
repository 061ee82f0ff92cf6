package org.brainbench.harness.suite;

import java.util.List;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.preprocess.PreprocessSpec;
import org.brainbench.tasks.split.SplitPlan;

/**
 * A task of a suite.
 *
 * @param classes class names in order (classify); the second is the positive class of two
 * @param labels the non-zero label values (segment), mapped to classes 1..n in this order
 * @param metrics metric keys reported first in the summary; the first drives early stopping
 * @param regions segment: the label convention whose BraTS regions are scored ({@code brats2021},
 *     {@code brats2023}, {@code msd}), {@code none}, or null for the dataset layout's own convention
 */
public record TaskEntry(
    String name,
    TaskType type,
    String dataset,
    List<String> classes,
    List<Integer> labels,
    List<String> metrics,
    SplitPlan split,
    PreprocessSpec preprocess,
    TrainingPatch training,
    String regions) {
  public TaskEntry {
    classes = List.copyOf(classes);
    labels = List.copyOf(labels);
    metrics = List.copyOf(metrics);
  }

  /** A task without a regions setting. */
  public TaskEntry(String name, TaskType type, String dataset, List<String> classes, List<Integer> labels, List<String> metrics, SplitPlan split,
      PreprocessSpec preprocess, TrainingPatch training) {
    this(name, type, dataset, classes, labels, metrics, split, preprocess, training, null);
  }

  /**
   * The record's text, without {@code regions} when it has none: configuration hashes that embed a
   * task (a pre-training stage's) stay what they were.
   */
  @Override
  public String toString() {
    return "TaskEntry[name=" + name + ", type=" + type + ", dataset=" + dataset + ", classes=" + classes + ", labels=" + labels + ", metrics=" + metrics
        + ", split=" + split + ", preprocess=" + preprocess + ", training=" + training + (regions == null ? "" : ", regions=" + regions) + "]";
  }

  public String primaryMetric() {
    return metrics.get(0);
  }
}
