package org.brainbench.harness.report;

import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Whether two backends' metrics differ beyond seed-to-seed spread: for each (task, model, label
 * fraction, metric) run on both, the runs are paired by seed and fold (the same data split and
 * test subjects on both backends) and a two-sided paired t-test asks whether the mean of the
 * per-pair differences is zero. With n pairs it has n - 1 degrees of freedom, so it needs at least
 * 2 pairs and with 3 seeds detects only differences several times the seed-to-seed sd; the table
 * shows the sds so a reader can judge the size of what would have been noticed.
 *
 * @param reference the backend first in id order (djl), the other is compared with it
 * @param pairs runs paired by seed and fold with the metric on both
 * @param difference mean over pairs of other - reference
 * @param sdDifference sample sd of the per-pair differences
 * @param p two-sided p-value of the paired t-test (NaN with fewer than 2 pairs or no variation)
 */
public record BackendAgreement(String task, String taskType, String model, double labelFraction, String metric, String reference, String other,
    Stat referenceStat, Stat otherStat, int pairs, double difference, double sdDifference, double p) {
  public static final double ALPHA = 0.05;

  /** Significant at the 5% level. */
  public boolean differs() {
    return !Double.isNaN(p) && p < ALPHA;
  }

  /** One line per (task, model, fraction, shown metric) that ran on two or more backends, against the first backend. */
  public static List<BackendAgreement> of(List<Run> runs) {
    Map<String, Map<String, List<Run>>> byGroup = new LinkedHashMap<>();
    for (Run r : runs) {
      if (!r.ok() || "pretrain".equals(r.taskType())) {
        continue;
      }
      String key = r.suite() + "\u0000" + r.task() + "\u0000" + r.model() + "\u0000" + r.labelFraction();
      byGroup.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(r.backend(), k -> new ArrayList<>()).add(r);
    }
    List<BackendAgreement> out = new ArrayList<>();
    for (Map<String, List<Run>> backends : byGroup.values()) {
      if (backends.size() < 2) {
        continue;
      }
      List<String> ids = new ArrayList<>(backends.keySet());
      List<Run> reference = backends.get(ids.get(0));
      Run first = reference.get(0);
      for (String other : ids.subList(1, ids.size())) {
        for (String metric : MetricRegistry.shown(TaskType.fromId(first.taskType()))) {
          out.add(compare(first, metric, ids.get(0), reference, other, backends.get(other)));
        }
      }
    }
    return out;
  }

  private static BackendAgreement compare(Run first, String metric, String refId, List<Run> ref, String otherId, List<Run> other) {
    Map<String, Double> a = byPairing(ref, metric);
    Map<String, Double> b = byPairing(other, metric);
    List<Double> diffs = new ArrayList<>();
    for (var e : a.entrySet()) {
      Double v = b.get(e.getKey());
      if (v != null && !Double.isNaN(v) && !Double.isNaN(e.getValue())) {
        diffs.add(v - e.getValue());
      }
    }
    Stat d = Stat.of(diffs, new double[] {Double.NaN, Double.NaN});
    return new BackendAgreement(first.task(), first.taskType(), first.model(), first.labelFraction(), metric, refId, otherId,
        Stat.of(new ArrayList<>(a.values()), new double[] {Double.NaN, Double.NaN}), Stat.of(new ArrayList<>(b.values()), new double[] {Double.NaN, Double.NaN}),
        diffs.size(), d.mean(), d.sd(), pairedTTest(d));
  }

  private static Map<String, Double> byPairing(List<Run> runs, String metric) {
    Map<String, Double> m = new TreeMap<>();
    runs.forEach(r -> m.put(r.pairing(), r.metric(metric)));
    return m;
  }

  /** Two-sided p of t = mean / (sd / sqrt n) with n - 1 degrees of freedom. */
  static double pairedTTest(Stat differences) {
    int n = differences.n();
    if (n < 2 || Double.isNaN(differences.sd())) {
      return Double.NaN;
    }
    if (differences.sd() == 0) {
      return differences.mean() == 0 ? 1.0 : 0.0;
    }
    double t = differences.mean() / (differences.sd() / Math.sqrt(n));
    return 2 * new TDistribution(null, n - 1).cumulativeProbability(-Math.abs(t));
  }
}
