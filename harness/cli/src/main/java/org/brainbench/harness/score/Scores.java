package org.brainbench.harness.score;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.brainbench.tasks.metric.Bootstrap;
import org.brainbench.tasks.metric.ClassificationMetrics;
import org.brainbench.tasks.metric.RegressionMetrics;
import org.brainbench.tasks.dataset.LabelConvention;
import org.brainbench.tasks.metric.SegmentationMetrics;

/**
 * Metrics of a set of predictions (the one implementation behind {@code run} and {@code score}),
 * with per-case values and percentile-bootstrap 95% confidence intervals over cases (1000
 * resamples, seeded).
 *
 * @param metrics the keys of docs/metrics.md
 * @param ci95 {low, high} per scalar metric
 * @param perCase one entry per case, for the leaderboard to recompute any metric later
 */
public record Scores(String task, int n, Map<String, Object> metrics, Map<String, double[]> ci95, List<Map<String, Object>> perCase) {

  /**
   * @param ids case ids
   * @param truth class index per case
   * @param probabilities per case, a probability per class, in the order of {@code classes}
   */
  public static Scores classify(List<String> ids, List<String> classes, int[] truth, double[][] probabilities, long seed) {
    int k = classes.size();
    Map<String, Double> m = ClassificationMetrics.compute(truth, probabilities, k);
    Map<String, double[]> ci = new LinkedHashMap<>();
    for (String key : ClassificationMetrics.KEYS) {
      ci.put(key, Bootstrap.confidenceInterval(truth.length, idx -> {
        int[] t = new int[idx.length];
        double[][] p = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
          t[i] = truth[idx[i]];
          p[i] = probabilities[idx[i]];
        }
        return ClassificationMetrics.compute(t, p, k).get(key);
      }, Bootstrap.DEFAULT_RESAMPLES, seed));
    }
    int[] pred = ClassificationMetrics.predictions(probabilities);
    List<Map<String, Object>> cases = new ArrayList<>();
    for (int i = 0; i < truth.length; i++) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", ids.get(i));
      c.put("truth", classes.get(truth[i]));
      c.put("prediction", classes.get(pred[i]));
      for (int j = 0; j < k; j++) {
        c.put("p_" + classes.get(j), probabilities[i][j]);
      }
      cases.add(c);
    }
    return new Scores("classify", truth.length, new LinkedHashMap<>(m), ci, cases);
  }

  public static Scores regress(List<String> ids, double[] truth, double[] prediction, long seed) {
    Map<String, Double> m = RegressionMetrics.compute(truth, prediction);
    Map<String, double[]> ci = new LinkedHashMap<>();
    for (String key : RegressionMetrics.KEYS) {
      ci.put(key, Bootstrap.confidenceInterval(truth.length, idx -> {
        double[] t = new double[idx.length];
        double[] p = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
          t[i] = truth[idx[i]];
          p[i] = prediction[idx[i]];
        }
        return RegressionMetrics.compute(t, p).get(key);
      }, Bootstrap.DEFAULT_RESAMPLES, seed));
    }
    List<Map<String, Object>> cases = new ArrayList<>();
    for (int i = 0; i < truth.length; i++) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", ids.get(i));
      c.put("truth", truth[i]);
      c.put("prediction", prediction[i]);
      c.put("absError", Math.abs(prediction[i] - truth[i]));
      cases.add(c);
    }
    return new Scores("regress", truth.length, new LinkedHashMap<>(m), ci, cases);
  }

  public static Scores segment(List<SegmentationMetrics.Case> cases, long seed) {
    return segment(cases, List.of(), seed);
  }

  /**
   * Dice and HD95 over the labels, and, with regions, over each BraTS region ({@code diceWT} ...
   * {@code hd95ET}), with bootstrap intervals over cases for each.
   */
  public static Scores segment(List<SegmentationMetrics.Case> cases, List<LabelConvention.Region> regions, long seed) {
    SortedSet<Integer> labels = SegmentationMetrics.labels(cases);
    List<SegmentationMetrics.CaseScores> scores = new ArrayList<>();
    List<SegmentationMetrics.RegionScores> regionScores = new ArrayList<>();
    for (SegmentationMetrics.Case c : cases) {
      scores.add(SegmentationMetrics.score(c, labels));
      regionScores.add(SegmentationMetrics.scoreRegions(c, regions));
    }
    Map<String, Object> m = SegmentationMetrics.aggregate(scores, labels);
    m.putAll(SegmentationMetrics.aggregateRegions(regionScores, regions));
    Map<String, double[]> ci = new LinkedHashMap<>();
    for (String key : List.of("dice", "hd95")) {
      ci.put(key, Bootstrap.confidenceInterval(scores.size(), idx -> {
        List<SegmentationMetrics.CaseScores> sub = new ArrayList<>();
        for (int i : idx) {
          sub.add(scores.get(i));
        }
        return (Double) SegmentationMetrics.aggregate(sub, labels).get(key);
      }, Bootstrap.DEFAULT_RESAMPLES, seed));
    }
    for (String key : SegmentationMetrics.aggregateRegions(List.of(), regions).keySet()) {
      ci.put(key, Bootstrap.confidenceInterval(regionScores.size(), idx -> {
        List<SegmentationMetrics.RegionScores> sub = new ArrayList<>();
        for (int i : idx) {
          sub.add(regionScores.get(i));
        }
        return SegmentationMetrics.aggregateRegions(sub, regions).get(key);
      }, Bootstrap.DEFAULT_RESAMPLES, seed));
    }
    List<Map<String, Object>> perCase = new ArrayList<>();
    for (int i = 0; i < scores.size(); i++) {
      SegmentationMetrics.CaseScores s = scores.get(i);
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", s.id());
      c.put("dice", stringKeys(s.dice()));
      c.put("hd95", stringKeys(s.hd95()));
      if (!regions.isEmpty()) {
        c.put("regionDice", regionScores.get(i).dice());
        c.put("regionHd95", regionScores.get(i).hd95());
      }
      perCase.add(c);
    }
    return new Scores("segment", cases.size(), m, ci, perCase);
  }

  private static Map<String, Double> stringKeys(Map<Integer, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  /** A scalar metric, or NaN when absent. */
  public double scalar(String key) {
    Object v = metrics.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
