package org.brainbench.harness.run;

import java.util.List;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.LabelConvention;

/**
 * Turns samples into training targets: the class index (classify), the age standardised with the
 * training subjects' mean and standard deviation (regress; the model learns z-scores and
 * predictions are turned back into years; a model that predicts years itself, such as SFCN's soft
 * classification, gets the age as it is), or the voxel classes (segment). Also the trivial
 * baselines' predictions, learned from the training set only; and which BraTS regions are scored.
 */
final class Targets {
  private final TaskEntry task;
  private final double mean;
  private final double sd;
  private final boolean standardise;
  private final double[] classFrequency;
  private final List<LabelConvention.Region> regions;

  private Targets(TaskEntry task, double mean, double sd, boolean standardise, double[] classFrequency, List<LabelConvention.Region> regions) {
    this.task = task;
    this.regions = List.copyOf(regions);
    this.mean = mean;
    this.sd = sd;
    this.standardise = standardise;
    this.classFrequency = classFrequency;
  }

  static Targets fit(TaskEntry task, List<Sample> train) {
    return fit(task, train, true, List.of());
  }

  /**
   * @param standardise false: the model takes and predicts the age in years
   * @param regions segment: the BraTS regions scored beside the labels (empty for none)
   */
  static Targets fit(TaskEntry task, List<Sample> train, boolean standardise, List<LabelConvention.Region> regions) {
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
    return new Targets(task, mean, sd, standardise, freq, regions);
  }

  int classOf(Sample s) {
    return task.classes().indexOf(s.scan().label());
  }

  /** The regression target the model trains on: the standardised age, or the age. */
  float standardised(Sample s) {
    return standardise ? (float) ((s.scan().age() - mean) / sd) : (float) s.scan().age().doubleValue();
  }

  /** A model's regression output in years. */
  double years(float standardised) {
    return standardise ? standardised * sd + mean : standardised;
  }

  /** The training ages (regress), for what a model derives from them. */
  static double[] ages(List<Sample> train) {
    return train.stream().mapToDouble(x -> x.scan().age()).toArray();
  }

  double mean() {
    return mean;
  }

  /** The output that means the training subjects' mean age: 0 when standardised, else the age itself. */
  float meanAgeOutput() {
    return standardise ? 0f : (float) mean;
  }

  /** The file beside a cell's checkpoint that says how to read its outputs ({@code predict}). */
  static final String FILE = "targets.json";

  /** What turns this cell's outputs back into classes, years or labels, as {@link #FILE} holds it. */
  com.fasterxml.jackson.databind.node.ObjectNode toJson() {
    var o = org.brainbench.harness.Json.mapper().createObjectNode();
    o.put("taskType", task.type().id());
    task.classes().forEach(o.putArray("classes")::add);
    task.labels().forEach(o.putArray("labels")::add);
    o.put("ageMean", mean);
    o.put("ageSd", sd);
    o.put("standardised", standardise && task.type() == TaskType.REGRESS);
    return o;
  }

  /** A model output in years, from a cell's {@link #FILE}. */
  static double years(com.fasterxml.jackson.databind.JsonNode saved, float output) {
    return saved.path("standardised").asBoolean() ? output * saved.path("ageSd").asDouble() + saved.path("ageMean").asDouble() : output;
  }

  /** The BraTS regions a segment task scores, or none. */
  List<LabelConvention.Region> regions() {
    return regions;
  }

  /** The majority-class baseline's probabilities: the training class frequencies. */
  double[] classFrequencies() {
    return classFrequency.clone();
  }
}
