package org.brainbench.harness.run;

/**
 * Keeps the best epoch by its validation score (higher or lower is better, per the task's metric),
 * stops after {@code patience} epochs without improvement (0: never), and puts the best epoch's
 * weights back at the end. Without validation every epoch counts as the best, so the last is kept.
 */
final class EarlyStopping implements TrainingListener {
  private final boolean higherIsBetter;

  EarlyStopping(boolean higherIsBetter) {
    this.higherIsBetter = higherIsBetter;
  }

  @Override
  public void onEpoch(TrainingState s) {
    TrainingLoop.Epoch e = s.history.get(s.history.size() - 1);
    double score = e.validation();
    boolean improved = !s.validates || s.bestEpoch == 0
        || (!Double.isNaN(score) && (Double.isNaN(s.bestScore) || (higherIsBetter ? score > s.bestScore : score < s.bestScore)));
    if (improved) {
      s.bestScore = score;
      s.bestEpoch = e.epoch();
      s.sinceBest = 0;
      s.best = s.validates ? s.model.exportWeights() : null;
    } else if (s.config.patience() > 0 && ++s.sinceBest >= s.config.patience()) {
      s.stopRequested = true;
    }
  }

  @Override
  public void onTrainingEnd(TrainingState s) {
    if (s.best != null && s.bestEpoch != s.history.size()) {
      s.model.importWeights(s.best);
    }
  }
}
