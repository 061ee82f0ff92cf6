package org.brainbench.harness.result;

/**
 * Seconds spent training and evaluating, training throughput, and how long the training loop
 * waited for its next batch (the data pipeline's share of the training time). Rounded to ms.
 */
public record Timing(double trainSeconds, double evalSeconds, double volumesPerSecond, double dataWaitSeconds) {
  public Timing {
    trainSeconds = round(trainSeconds);
    evalSeconds = round(evalSeconds);
    volumesPerSecond = round(volumesPerSecond);
    dataWaitSeconds = round(dataWaitSeconds);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
