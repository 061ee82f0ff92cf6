package org.brainbench.harness.run;

/** Stops a run whose loss became NaN or infinite: the cell fails with "diverged" and where it happened. */
final class DivergenceGuard implements TrainingListener {
  @Override
  public void onBatch(TrainingState s, int batchInEpoch, float loss) {
    if (!Float.isFinite(loss)) {
      throw new TrainingLoop.DivergedException("loss became " + loss + " at epoch " + (s.epoch() + 1) + ", step " + (batchInEpoch + 1));
    }
  }
}
