package org.brainbench.harness.suite;

import java.math.BigDecimal;
import org.brainbench.api.training.TrainingConfig;

/**
 * One unit of work and one result row: a task, a model, a backend, a seed, a fold and a label
 * fraction, with the training settings that apply to it.
 */
public record Cell(TaskEntry task, ModelEntry model, String backend, long seed, int fold, double labelFraction, TrainingConfig training) {
  /** The stable id {@code <task>/<model>/<backend>/s<seed>/f<fold>/p<fraction>} (docs/results.md). */
  public String id() {
    return task.name() + "/" + model.name() + "/" + backend + "/s" + seed + "/f" + fold + "/p" + fraction(labelFraction);
  }

  /** A fraction without trailing zeros: 1, 0.25, 0.1. */
  public static String fraction(double f) {
    return new BigDecimal(Double.toString(f)).stripTrailingZeros().toPlainString();
  }
}
