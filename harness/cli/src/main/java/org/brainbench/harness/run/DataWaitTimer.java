package org.brainbench.harness.run;

/**
 * Adds up the time the loop waited for its next batch (the background loader was behind): a row's
 * {@code timing.dataWaitSeconds}, the data pipeline's cost to training.
 */
final class DataWaitTimer implements TrainingListener {
  @Override
  public void onBatchReady(TrainingState s, double waitedSeconds) {
    s.dataWaitSeconds += waitedSeconds;
  }
}
