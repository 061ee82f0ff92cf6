package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.backend.Model;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;

/**
 * The state of one training run, shared by the loop and its listeners: counters, the history, the
 * best epoch so far and its weights, and whether a listener asked to stop.
 */
final class TrainingState {
  final Model model;
  final TrainingConfig config;
  final int stepsPerEpoch;
  /** Whether each epoch is scored on validation scans (then the best epoch's weights are kept). */
  final boolean validates;
  /** The first epoch this run trains: 1, or the one after a restored checkpoint's. */
  int firstEpoch = 1;
  long step;
  long seen;
  double dataWaitSeconds;
  /** Training time before a restart, from the checkpoint. */
  double earlierSeconds;
  final List<TrainingLoop.Epoch> history = new ArrayList<>();
  double bestScore = Double.NaN;
  int bestEpoch;
  int sinceBest;
  /** The best epoch's weights, when validating (null otherwise, or before the first epoch). */
  List<Tensor> best;
  boolean stopRequested;
  private final long startNanos = System.nanoTime();

  TrainingState(Model model, TrainingConfig config, int stepsPerEpoch, boolean validates) {
    this.model = model;
    this.config = config;
    this.stepsPerEpoch = stepsPerEpoch;
    this.validates = validates;
  }

  /** The last finished epoch (0 before the first). */
  int epoch() {
    return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
  }

  double trainSeconds() {
    return earlierSeconds + (System.nanoTime() - startNanos) / 1e9;
  }
}
