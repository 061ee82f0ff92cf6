package org.brainbench.harness.compare;

import org.brainbench.harness.result.ResultRow;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares results with a baseline, cell by cell (CI regression). A baseline cell that is missing
 * or failed now, a metric that got worse beyond its tolerance, and a changed parameter count are
 * regressions; better beyond tolerance is reported as improved, never as a failure.
 *
 * <p>Checked metrics: the ones the leaderboard shows for the task type, plus any metric given a
 * tolerance explicitly. Default tolerances: 0.02 absolute for metrics on a 0-1 scale (AUC,
 * accuracy, Dice, R²), 5% of the baseline for errors and distances (MAE, RMSE, HD95, loss).
 */
public final class RegressionCheck {
  private static final double DEFAULT_ABSOLUTE = 0.02;
  private static final double DEFAULT_RELATIVE = 0.05;

  private final Map<String, Tolerance> tolerances = new LinkedHashMap<>();

  public RegressionCheck(List<Tolerance> explicit) {
    explicit.forEach(t -> tolerances.put(t.metric(), t));
  }

  public Tolerance tolerance(String metric) {
    Tolerance t = tolerances.get(metric);
    if (t != null) {
      return t;
    }
    return MetricRegistry.higherIsBetter(metric) ? new Tolerance(metric, DEFAULT_ABSOLUTE, false)
        : new Tolerance(metric, DEFAULT_RELATIVE, true);
  }

  public List<Finding> compare(Map<String, ResultRow> baseline, Map<String, ResultRow> current) {
    List<Finding> findings = new ArrayList<>();
    for (var e : baseline.entrySet()) {
      String cell = e.getKey();
      ResultRow base = e.getValue();
      ResultRow now = current.get(cell);
      if (!base.ok()) {
        continue; // a baseline that failed sets no bar
      }
      if (now == null) {
        findings.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.REGRESSED, "missing from the results"));
        continue;
      }
      if (!now.ok()) {
        findings.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.REGRESSED, "failed: " + now.errorText()));
        continue;
      }
      long[] b = counts(base);
      long[] n = counts(now);
      for (int i = 0; i < 2; i++) {
        if (b[i] != n[i]) {
          findings.add(new Finding(cell, i == 0 ? "params.total" : "params.trainable", b[i], n[i], null, Finding.Verdict.REGRESSED,
              "parameter count changed"));
        }
      }
      for (String metric : metrics(base.taskType())) {
        double bv = base.metrics().scalar(metric);
        if (Double.isNaN(bv)) {
          continue; // undefined in the baseline (e.g. AUC of a one-class fold): no bar to hold
        }
        double nv = now.metrics().scalar(metric);
        if (Double.isNaN(nv)) {
          findings.add(new Finding(cell, metric, bv, Double.NaN, tolerance(metric), Finding.Verdict.REGRESSED, "metric missing"));
          continue;
        }
        findings.add(judge(cell, metric, bv, nv));
      }
    }
    for (String cell : current.keySet()) {
      if (!baseline.containsKey(cell)) {
        findings.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.NEW, "not in the baseline"));
      }
    }
    return findings;
  }

  private static long[] counts(ResultRow r) {
    return r.params() == null ? new long[] {-1, -1} : new long[] {r.params().total(), r.params().trainable()};
  }

  private List<String> metrics(TaskType taskType) {
    List<String> m = new ArrayList<>(MetricRegistry.shown(taskType));
    for (String k : tolerances.keySet()) {
      if (!m.contains(k)) {
        m.add(k);
      }
    }
    return m;
  }

  private Finding judge(String cell, String metric, double baseline, double current) {
    Tolerance t = tolerance(metric);
    double worse = MetricRegistry.higherIsBetter(metric) ? baseline - current : current - baseline;
    double allowed = t.allowance(baseline);
    Finding.Verdict v = worse > allowed + 1e-12 ? Finding.Verdict.REGRESSED : -worse > allowed + 1e-12 ? Finding.Verdict.IMPROVED : Finding.Verdict.SAME;
    return new Finding(cell, metric, baseline, current, t, v, "");
  }
}
