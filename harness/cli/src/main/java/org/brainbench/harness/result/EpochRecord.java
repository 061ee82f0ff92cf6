package org.brainbench.harness.result;

import java.util.Map;

/**
 * One epoch of a row's history.
 *
 * @param validation the validation score (the task's first metric, or a stage's loss); NaN when
 *     there was no validation set (written as null)
 * @param seconds wall time of the epoch, NaN where not recorded
 * @param diagnostics what the model measured at the epoch's last step, e.g. {@code embeddingStd}
 */
public record EpochRecord(int epoch, double trainLoss, double validation, double learningRate, double seconds, Map<String, Double> diagnostics) {
  public EpochRecord {
    diagnostics = Map.copyOf(diagnostics);
    seconds = Double.isNaN(seconds) ? seconds : Timing.round(seconds);
  }
}
