package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.TaskHead;
import org.brainbench.harness.score.Scores;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.metric.SegmentationMetrics;
import org.brainbench.tasks.volume.Grid;

/** Runs a model over samples in batches and scores the predictions. */
final class Predictions {
  private Predictions() {}

  /** Raw model outputs per sample, in order; the next batch is read while the model works on this one. */
  static List<float[]> predict(Model model, List<Sample> samples, int batchSize) {
    List<float[]> out = new ArrayList<>();
    TaskHead head = model.head();
    int batches = Batches.count(samples.size(), batchSize);
    try (Prefetcher<org.brainbench.api.backend.Batch> next = Batches.inputsAhead("predict-loader", samples, head, batchSize)) {
      for (int b = 0; b < batches; b++) {
        for (float[] row : model.predict(next.next())) {
          out.add(row);
        }
      }
    }
    return out;
  }

  /** Scores outputs against the samples' truth (class probabilities, standardised ages, voxel classes). */
  static Scores score(TaskEntry task, List<Sample> samples, List<float[]> outputs, Targets targets, Grid grid, long seed) {
    List<String> ids = samples.stream().map(Sample::id).toList();
    return switch (task.type()) {
      case CLASSIFY -> {
        int[] truth = new int[samples.size()];
        double[][] probs = new double[samples.size()][];
        for (int i = 0; i < truth.length; i++) {
          truth[i] = targets.classOf(samples.get(i));
          float[] p = outputs.get(i);
          probs[i] = new double[p.length];
          for (int k = 0; k < p.length; k++) {
            probs[i][k] = p[k];
          }
        }
        yield Scores.classify(ids, task.classes(), truth, probs, seed);
      }
      case REGRESS -> {
        double[] truth = new double[samples.size()];
        double[] pred = new double[samples.size()];
        for (int i = 0; i < truth.length; i++) {
          truth[i] = samples.get(i).scan().age();
          pred[i] = targets.years(outputs.get(i)[0]);
        }
        yield Scores.regress(ids, truth, pred, seed);
      }
      case SEGMENT -> Scores.segment(segmentCases(task, samples, outputs, grid), targets.regions(), seed);
      default -> throw new IllegalStateException(task.type().id());
    };
  }

  /** Truth and predicted label maps in label values (class i is the task's i-th label). */
  static List<SegmentationMetrics.Case> segmentCases(TaskEntry task, List<Sample> samples, List<float[]> outputs, Grid grid) {
    List<SegmentationMetrics.Case> cases = new ArrayList<>();
    int[] shape = grid.shape();
    double[] spacing = grid.spacing();
    for (int i = 0; i < samples.size(); i++) {
      byte[] truthClasses = samples.get(i).classes();
      float[] truth = new float[truthClasses.length];
      float[] pred = new float[truthClasses.length];
      float[] out = outputs.get(i);
      for (int v = 0; v < truth.length; v++) {
        truth[v] = truthClasses[v] == 0 ? 0 : task.labels().get(truthClasses[v] - 1);
        int k = Math.round(out[v]);
        pred[v] = k == 0 ? 0 : task.labels().get(k - 1);
      }
      cases.add(new SegmentationMetrics.Case(samples.get(i).id(), truth, pred, shape, spacing));
    }
    return cases;
  }
}
