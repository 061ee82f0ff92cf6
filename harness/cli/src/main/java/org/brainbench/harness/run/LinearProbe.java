package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Model;
import org.brainbench.harness.linear.LogisticRegression;
import org.brainbench.harness.linear.RidgeRegression;
import org.brainbench.harness.linear.Standardiser;
import org.brainbench.harness.result.TuningReport;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.tasks.volume.Grid;

/**
 * The {@code linear-probe} fine-tuning mode, the standard test of a self-supervised encoder: the
 * model stays as initialised (nothing trains by gradient); each scan's embedding (the input of the
 * model's task head) is computed, standardised with the training scans' statistics, and a linear
 * model is fitted on the training scans: multinomial logistic regression (classify) or ridge
 * regression on the standardised target (regress), with an L2 penalty chosen from {@link #L2_GRID}
 * by the task's first metric on the validation scans (1.0 when there are none). The fitted model
 * becomes the model's own head (standardisation folded in), so the cell predicts and saves as any
 * other cell.
 */
final class LinearProbe {
  /** Penalties tried, weakest last; ties go to the stronger penalty (listed first). */
  static final double[] L2_GRID = {10, 1, 0.1, 0.01, 0.001, 1e-4};

  /**
   * A fitted probe folded into the model's own head: {@code head.weight} (K, F) and {@code head.bias}
   * (K) on the raw embedding (the standardisation is folded in), so the model's own predictions are
   * the probe's and its checkpoint is the probe.
   */
  record Head(float[] weight, float[] bias, int outputs, int features) {
    List<org.brainbench.api.weights.Tensor> tensors() {
      return List.of(new org.brainbench.api.weights.Tensor("head.weight", new long[] {outputs, features}, weight),
          new org.brainbench.api.weights.Tensor("head.bias", new long[] {outputs}, bias));
    }

    /** What the model outputs with this head: class probabilities, or the standardised value. */
    float[] apply(double[] embedding, TaskType type) {
      double[] z = new double[outputs];
      for (int k = 0; k < outputs; k++) {
        z[k] = bias[k];
        for (int j = 0; j < features; j++) {
          z[k] += (double) weight[k * features + j] * embedding[j];
        }
      }
      float[] out = new float[outputs];
      if (type == TaskType.CLASSIFY) {
        double max = java.util.Arrays.stream(z).max().orElse(0);
        double sum = 0;
        for (int k = 0; k < outputs; k++) {
          z[k] = Math.exp(z[k] - max);
          sum += z[k];
        }
        for (int k = 0; k < outputs; k++) {
          z[k] /= sum;
        }
      }
      for (int k = 0; k < outputs; k++) {
        out[k] = (float) z[k];
      }
      return out;
    }
  }

  /** The probe: its head and the penalty search. */
  record Fit(Head head, TuningReport search) {}

  private LinearProbe() {}

  static Fit fit(Cell cell, CellRunner.Prepared p, Model model, Grid grid) {
    TaskEntry task = cell.task();
    if (task.type() != TaskType.CLASSIFY && task.type() != TaskType.REGRESS) {
      throw new IllegalStateException("linear-probe needs a classify or regress task, not " + task.type().id());
    }
    int batch = cell.training().batchSize();
    double[][] train = embed(model, p.train(), batch);
    Standardiser z = Standardiser.fit(train);
    double[][] xTrain = z.apply(train);
    double[][] validation = p.validation().isEmpty() ? null : embed(model, p.validation(), batch);
    String metric = task.primaryMetric();
    boolean higher = MetricRegistry.higherIsBetter(metric);
    List<TuningReport.Trial> trials = new ArrayList<>();
    double chosen = 1.0;
    Head head = null;
    if (validation != null) {
      double best = Double.NaN;
      for (double l2 : L2_GRID) {
        long t0 = System.nanoTime();
        Head h = fitHead(task, p, xTrain, z, l2);
        List<float[]> out = new ArrayList<>();
        for (double[] row : validation) {
          out.add(h.apply(row, task.type()));
        }
        double score = Predictions.score(task, p.validation(), out, p.targets(), grid, cell.seed()).scalar(metric);
        trials.add(new TuningReport.Trial(Map.of("l2", l2), score, 0, Math.round((System.nanoTime() - t0) / 1e6) / 1000.0, null));
        if (!Double.isNaN(score) && (Double.isNaN(best) || (higher ? score > best : score < best))) {
          best = score;
          chosen = l2;
          head = h;
        }
      }
    }
    if (head == null) {
      head = fitHead(task, p, xTrain, z, chosen);
    }
    Map<String, Double> choice = new LinkedHashMap<>();
    choice.put("l2", chosen);
    return new Fit(head, new TuningReport("grid", "cell", metric, cell.id(), trials, choice));
  }

  /** Fits on the standardised training rows and folds the standardisation into the head. */
  private static Head fitHead(TaskEntry task, CellRunner.Prepared p, double[][] xTrain, Standardiser z, double l2) {
    int f = xTrain[0].length;
    double[][] w;
    double[] b;
    if (task.type() == TaskType.CLASSIFY) {
      int[] y = new int[xTrain.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = p.targets().classOf(p.train().get(i));
      }
      LogisticRegression fit = LogisticRegression.fit(xTrain, y, task.classes().size(), l2);
      w = fit.weights();
      b = fit.intercepts();
    } else {
      double[] y = new double[xTrain.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = p.targets().standardised(p.train().get(i));
      }
      RidgeRegression fit = RidgeRegression.fit(xTrain, y, l2);
      w = new double[][] {fit.weights()};
      b = new double[] {fit.intercept()};
    }
    int k = w.length;
    float[] weight = new float[k * f];
    float[] bias = new float[k];
    for (int o = 0; o < k; o++) {
      double shift = b[o];
      for (int j = 0; j < f; j++) {
        weight[o * f + j] = (float) (w[o][j] / z.sd()[j]);
        shift -= w[o][j] * z.mean()[j] / z.sd()[j];
      }
      bias[o] = (float) shift;
    }
    return new Head(weight, bias, k, f);
  }

  /** The model's embedding of each sample, in batches. */
  static double[][] embed(Model model, List<Sample> samples, int batchSize) {
    double[][] out = new double[samples.size()][];
    int i = 0;
    for (int start = 0; start < samples.size(); start += batchSize) {
      List<Sample> part = samples.subList(start, Math.min(samples.size(), start + batchSize));
      for (float[] row : model.embeddings(Batches.of(part, model.head(), null, false))) {
        double[] d = new double[row.length];
        for (int j = 0; j < row.length; j++) {
          d[j] = row[j];
        }
        out[i++] = d;
      }
    }
    return out;
  }
}
