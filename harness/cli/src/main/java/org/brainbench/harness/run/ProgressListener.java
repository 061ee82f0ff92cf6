package org.brainbench.harness.run;

/** Shows a run on a {@link Progress} bar: steps done, the epoch and the last loss. */
final class ProgressListener implements TrainingListener {
  private final Progress progress;

  ProgressListener(Progress progress) {
    this.progress = progress;
  }

  @Override
  public void onTrainingBegin(TrainingState s) {
    progress.stepTo((long) (s.firstEpoch - 1) * s.stepsPerEpoch);
  }

  @Override
  public void onBatch(TrainingState s, int batchInEpoch, float loss) {
    int epoch = s.epoch() + 1;
    progress.stepTo((long) (epoch - 1) * s.stepsPerEpoch + batchInEpoch + 1);
    progress.setExtra(String.format("epoch %d/%d loss %.4f", epoch, s.config.epochs(), loss));
  }
}
