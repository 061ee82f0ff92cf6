package org.brainbench.harness.compare;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

/**
 * Compares results with a baseline (the CI regression gate).
 *
 * <p><b>Exact checks, every cell:</b> a baseline cell that is missing or failed now, and a changed
 * parameter count, are regressions; a cell the baseline lacks is listed as new. A baseline may hold
 * more seeds than the results (it is recorded once, with many): its cells of seeds the results did
 * not run at all are not required.
 *
 * <p><b>Metrics, per condition</b> (a cell's task, model, backend, fold and label fraction across
 * its seeds). With {@link Method#TEST} (or {@link Method#AUTO} when the baseline has at least
 * {@link #MIN_BASELINE_SEEDS} seeds of the condition), a metric regressed only when the current mean
 * is worse than the baseline's by more than its floor (the tolerance: 0.02 absolute for metrics on a
 * 0-1 scale, 5% of the baseline for errors and distances, or {@code --tolerance}) <i>and</i> by
 * more than the seeds' spread explains ({@link SpreadTest}, one-sided, pooled), the
 * p-values corrected for the number of metrics tested with Holm's step-down procedure at
 * family-wise level {@code alpha}. Each finding says how noisy its condition is (the seeds' sd and
 * the smallest worsening the test would detect). With {@link Method#TOLERANCE} (or AUTO with fewer
 * baseline seeds), each cell is held to the floor alone.
 */
public final class RegressionCheck {
  /** How metrics are judged. */
  public enum Method {
    /** The test where the baseline has {@link #MIN_BASELINE_SEEDS} seeds of a condition, else the tolerance per cell. */
    AUTO,
    /** The test for every condition; a baseline with fewer seeds is a usage error. */
    TEST,
    /** The tolerance per cell, seed by seed. */
    TOLERANCE;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Seeds of a condition the baseline needs for the test (the results may have any number). */
  public static final int MIN_BASELINE_SEEDS = 3;
  private static final double DEFAULT_ABSOLUTE = 0.02;
  private static final Pattern SEED = Pattern.compile("/(s[0-9]+)/");
  private static final double DEFAULT_RELATIVE = 0.05;

  private final Map<String, Tolerance> tolerances = new LinkedHashMap<>();
  private final Method method;
  private final double alpha;

  /** The tolerance per cell (the gate before seeds were tested). */
  public RegressionCheck(List<Tolerance> explicit) {
    this(explicit, Method.TOLERANCE, 0.05);
  }

  /** @param alpha the family-wise error rate of the metric tests (Holm) */
  public RegressionCheck(List<Tolerance> explicit, Method method, double alpha) {
    explicit.forEach(t -> tolerances.put(t.metric(), t));
    this.method = method;
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    this.alpha = alpha;
  }

  public Tolerance tolerance(String metric) {
    Tolerance t = tolerances.get(metric);
    if (t != null) {
      return t;
    }
    return MetricRegistry.higherIsBetter(metric) ? new Tolerance(metric, DEFAULT_ABSOLUTE, false)
        : new Tolerance(metric, DEFAULT_RELATIVE, true);
  }

  /** A cell id without its seed ({@code task/model/backend/s1/f0/p1} to {@code task/model/backend/s* /f0/p1}, without the space). */
  public static String condition(String cell) {
    return cell.replaceFirst("/s[0-9]+/", "/s*/");
  }

  public List<Finding> compare(Map<String, ResultRow> baseline, Map<String, ResultRow> current) {
    return compare(List.copyOf(baseline.values()), current);
  }

  /**
   * @param baseline the baseline's rows; a cell may appear more than once (baselines of several
   *     hardware classes pooled: each is one more run of its condition)
   */
  public List<Finding> compare(List<ResultRow> baseline, Map<String, ResultRow> current) {
    List<Finding> findings = new ArrayList<>();
    Map<String, ResultRow> firstOk = new LinkedHashMap<>();
    for (ResultRow r : baseline) {
      if (r.ok()) {
        firstOk.putIfAbsent(r.cell(), r);
      }
    }
    // the seeds the results ran are their cells' (a stage keeps its own seed whatever the cells' are)
    findings.addAll(structure(firstOk, current, seedsOf(current.values().stream().filter(r -> !r.isStage()).map(ResultRow::cell).toList())));
    Map<String, List<ResultRow>> base = new LinkedHashMap<>();
    for (ResultRow r : baseline) {
      if (r.ok()) {
        base.computeIfAbsent(condition(r.cell()), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<ResultRow>> now = groups(current);
    List<Pending> tests = new ArrayList<>();
    for (var e : base.entrySet()) {
      List<ResultRow> b = e.getValue();
      List<ResultRow> n = now.getOrDefault(e.getKey(), List.of());
      if (b.get(0).isStage() || n.isEmpty()) {
        continue; // stages: missing or failed is all that is checked; a condition with nothing to compare was reported above
      }
      boolean enough = b.size() >= MIN_BASELINE_SEEDS;
      if (method == Method.TEST && !enough) {
        throw new IllegalArgumentException(e.getKey() + " has " + b.size() + " seed(s) in the baseline; --method test needs "
            + MIN_BASELINE_SEEDS + " or more (record the baseline with run --seeds, or use --method tolerance)");
      }
      if (method == Method.TOLERANCE || !enough) {
        findings.addAll(perCell(b, current));
        continue;
      }
      for (String metric : metrics(b.get(0).taskType())) {
        double[] bv = values(b, metric);
        if (bv.length < 2) {
          continue; // undefined in the baseline (e.g. AUC of one-class folds): no bar to hold
        }
        double[] nv = values(n, metric);
        if (nv.length < n.size()) {
          findings.add(new Finding(e.getKey(), metric, mean(bv), Double.NaN, tolerance(metric), Finding.Verdict.REGRESSED,
              "metric missing in " + (n.size() - nv.length) + " of " + n.size() + " runs"));
          continue;
        }
        tests.add(new Pending(e.getKey(), metric, SpreadTest.of(bv, nv, MetricRegistry.higherIsBetter(metric))));
      }
    }
    findings.addAll(judge(tests));
    return findings;
  }

  /**
   * Missing, failed, new and re-sized cells: exact, whatever the method.
   *
   * @param seeds the seeds the results ran (a baseline cell of another seed is not required)
   */
  private static List<Finding> structure(Map<String, ResultRow> baseline, Map<String, ResultRow> current, Set<String> seeds) {
    List<Finding> out = new ArrayList<>();
    for (var e : baseline.entrySet()) {
      String cell = e.getKey();
      ResultRow base = e.getValue();
      ResultRow now = current.get(cell);
      if (!base.ok()) {
        continue; // a baseline that failed sets no bar
      }
      if (now == null && !base.isStage() && !seeds.isEmpty() && !seeds.contains(seed(cell))) {
        continue; // a seed the baseline has beyond the results'
      }
      if (now == null) {
        out.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.REGRESSED, "missing from the results"));
        continue;
      }
      if (!now.ok()) {
        out.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.REGRESSED, "failed: " + now.errorText()));
        continue;
      }
      long[] b = counts(base);
      long[] n = counts(now);
      for (int i = 0; i < 2; i++) {
        if (b[i] != n[i]) {
          out.add(new Finding(cell, i == 0 ? "params.total" : "params.trainable", b[i], n[i], null, Finding.Verdict.REGRESSED,
              "parameter count changed"));
        }
      }
    }
    for (String cell : current.keySet()) {
      if (!baseline.containsKey(cell)) {
        out.add(new Finding(cell, "", Double.NaN, Double.NaN, null, Finding.Verdict.NEW, "not in the baseline"));
      }
    }
    return out;
  }

  /** The seed part of a cell id ({@code s2}), or "" for an id without one. */
  private static String seed(String cell) {
    Matcher m = SEED.matcher(cell);
    return m.find() ? m.group(1) : "";
  }

  private static Set<String> seedsOf(Collection<String> cells) {
    Set<String> out = new TreeSet<>();
    cells.forEach(c -> out.add(seed(c)));
    return out;
  }

  /** A condition's rows that finished ok, by condition, in the results' order. */
  private static Map<String, List<ResultRow>> groups(Map<String, ResultRow> rows) {
    Map<String, List<ResultRow>> out = new LinkedHashMap<>();
    rows.forEach((cell, row) -> {
      if (row.ok()) {
        out.computeIfAbsent(condition(cell), k -> new ArrayList<>()).add(row);
      }
    });
    return out;
  }

  private static double[] values(List<ResultRow> rows, String metric) {
    return rows.stream().mapToDouble(r -> r.metrics().scalar(metric)).filter(v -> !Double.isNaN(v)).toArray();
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  private record Pending(String condition, String metric, SpreadTest test) {}

  /**
   * Holm's step-down procedure over every metric test: the i-th smallest p-value (i from 0) is held
   * to alpha / (m - i), stopping at the first that misses; a tested metric regressed when it is
   * significant and worse than its floor.
   */
  private List<Finding> judge(List<Pending> tests) {
    int m = tests.size();
    List<Pending> byP = new ArrayList<>(tests);
    byP.sort(Comparator.comparingDouble(t -> t.test().p()));
    Set<Pending> significant = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < m; i++) {
      if (byP.get(i).test().p() <= alpha / (m - i)) {
        significant.add(byP.get(i));
      } else {
        break;
      }
    }
    List<Finding> out = new ArrayList<>();
    for (Pending t : tests) {
      SpreadTest w = t.test();
      Tolerance floor = tolerance(t.metric());
      double allowed = floor.allowance(w.baselineMean());
      // the level a single test would be held to first (the strictest Holm step): what "detectable" reports
      double detectable = w.detectable(m == 0 ? alpha : alpha / m);
      Finding.Verdict v;
      String why;
      if (significant.contains(t) && w.worse() > allowed + 1e-12) {
        v = Finding.Verdict.REGRESSED;
        why = String.format(Locale.ROOT, "worse by %s, beyond the %s floor and the seeds' spread (one-sided t-test p %.2g, Holm over %d tests at %s)",
            number(w.worse()), floor, w.p(), m, number(alpha));
      } else if (-w.worse() > Math.max(allowed, w.detectable(alpha)) + 1e-12) {
        v = Finding.Verdict.IMPROVED;
        why = "better by " + number(-w.worse());
      } else {
        v = Finding.Verdict.SAME;
        why = w.worse() > allowed + 1e-12 ? String.format(Locale.ROOT, "worse by %s, within what the seeds' spread explains (p %.2g)", number(w.worse()),
            w.p()) : "";
      }
      String noise = String.format(Locale.ROOT, "%d->%d seeds, sd %s->%s, detectable %s", w.baselineRuns(), w.currentRuns(), number(w.baselineSd()),
          Double.isNaN(w.currentSd()) ? "-" : number(w.currentSd()), number(detectable));
      out.add(new Finding(t.condition(), t.metric(), w.baselineMean(), w.currentMean(), floor, v, why.isEmpty() ? noise : why + "; " + noise));
    }
    return out;
  }

  /** The tolerance per cell, seed by seed, for a condition without enough seeds to test. */
  private List<Finding> perCell(List<ResultRow> base, Map<String, ResultRow> current) {
    List<Finding> out = new ArrayList<>();
    for (ResultRow b : base) {
      ResultRow now = current.get(b.cell());
      if (now == null || !now.ok()) {
        continue; // reported by the exact checks
      }
      for (String metric : metrics(b.taskType())) {
        double bv = b.metrics().scalar(metric);
        if (Double.isNaN(bv)) {
          continue;
        }
        double nv = now.metrics().scalar(metric);
        if (Double.isNaN(nv)) {
          out.add(new Finding(b.cell(), metric, bv, Double.NaN, tolerance(metric), Finding.Verdict.REGRESSED, "metric missing"));
          continue;
        }
        Tolerance t = tolerance(metric);
        double worse = MetricRegistry.higherIsBetter(metric) ? bv - nv : nv - bv;
        double allowed = t.allowance(bv);
        Finding.Verdict v = worse > allowed + 1e-12 ? Finding.Verdict.REGRESSED : -worse > allowed + 1e-12 ? Finding.Verdict.IMPROVED : Finding.Verdict.SAME;
        out.add(new Finding(b.cell(), metric, bv, nv, t, v, v == Finding.Verdict.REGRESSED ? "worse by " + number(worse) + ", beyond the tolerance (one seed: no test)" : ""));
      }
    }
    return out;
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

  private static String number(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
