package org.brainbench.harness.run;

import java.util.List;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;

/**
 * Turns samples into training targets: the class index (classify), the age standardised with the
 * training subjects' mean and standard deviation (regress; the model learns z-scores and
 * predictions are turned back into years), or the voxel classes (segment). Also the trivial
 * baselines' predictions, learned from the training set only.
 */
final class Targets {
  private final TaskEntry task;
  private final double mean;
  private final double sd;
  private final double[] classFrequency;

  private Targets(TaskEntry task, double mean, double sd, double[] classFrequency) {
    this.task = task;
    this.mean = mean;
    this.sd = sd;
    this.classFrequency = classFrequency;
  }

  static Targets fit(TaskEntry task, List<Sample> train) {
    double mean = 0;
    double sd = 1;
    double[] freq = null;
    if (task.type() == TaskType.REGRESS) {
      double s = 0;
      double ss = 0;
      for (Sample x : train) {
        s += x.scan().age();
        ss += x.scan().age() * x.scan().age();
      }
      mean = s / train.size();
      sd = Math.sqrt(Math.max(1e-12, ss / train.size() - mean * mean));
    }
    if (task.type() == TaskType.CLASSIFY) {
      freq = new double[task.classes().size()];
      for (Sample x : train) {
        freq[task.classes().indexOf(x.scan().label())]++;
      }
      for (int k = 0; k < freq.length; k++) {
        freq[k] /= train.size();
      }
    }
    return new Targets(task, mean, sd, freq);
  }

  int classOf(Sample s) {
    return task.classes().indexOf(s.scan().label());
  }

  float standardised(Sample s) {
    return (float) ((s.scan().age() - mean) / sd);
  }

  double years(float standardised) {
    return standardised * sd + mean;
  }

  double mean() {
    return mean;
  }

  /** The majority-class baseline's probabilities: the training class frequencies. */
  double[] classFrequencies() {
    return classFrequency.clone();
  }
}
