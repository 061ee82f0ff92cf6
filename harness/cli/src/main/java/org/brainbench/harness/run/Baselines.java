package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.harness.score.Scores;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.volume.Grid;

/**
 * Trivial baselines scored on the same test cases, so a reader sees at once whether a model learned
 * anything: the majority class (predicting the training class frequencies, so AUC is 0.5), the
 * mean training age, and the empty mask.
 */
final class Baselines {
  private Baselines() {}

  static String name(TaskEntry task) {
    return switch (task.type()) {
      case CLASSIFY -> "majority class";
      case REGRESS -> "mean age";
      case SEGMENT -> "empty mask";
      default -> "none";
    };
  }

  static Scores score(TaskEntry task, List<Sample> test, Targets targets, Grid grid, long seed) {
    List<float[]> outputs = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      switch (task.type()) {
        case CLASSIFY -> {
          double[] f = targets.classFrequencies();
          float[] p = new float[f.length];
          for (int k = 0; k < f.length; k++) {
            p[k] = (float) f[k];
          }
          outputs.add(p);
        }
        case REGRESS -> outputs.add(new float[] {targets.meanAgeOutput()}); // in the model's units (standardised or years)
        case SEGMENT -> outputs.add(new float[grid.voxelCount()]);
        default -> throw new IllegalStateException(task.type().id());
      }
    }
    return Predictions.score(task, test, outputs, targets, grid, seed);
  }
}
