package org.brainbench.harness.report;

import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Result rows aggregated for publishing: one {@link Entry} per (task, model, backend, label
 * fraction), ranked within each (task, label fraction) by the task type's primary metric, each
 * compared with the best on the same test cases and, when a reference model is named (such as the
 * from-scratch model in a transfer experiment), with that model too. Failed runs are counted, never
 * dropped. Bootstrap resampling is seeded from the group's name, so a report is reproducible.
 *
 * @param reference the model every entry is also compared with, or null
 */
public record Leaderboard(List<Entry> entries, String reference) {
  public static final int DEFAULT_RESAMPLES = 1000;

  public static Leaderboard build(List<Run> runs, int resamples) {
    return build(runs, resamples, null);
  }

  /**
   * @param reference a model name of the runs to compare every entry with, or null
   * @throws IllegalArgumentException when no run has that model
   */
  public static Leaderboard build(List<Run> runs, int resamples, String reference) {
    if (reference != null && runs.stream().noneMatch(r -> r.model().equals(reference) && !"pretrain".equals(r.taskType()))) {
      throw new IllegalArgumentException("no task's results have the model \"" + reference + "\"; models: "
          + runs.stream().filter(r -> !"pretrain".equals(r.taskType())).map(Run::model).distinct().toList());
    }
    Map<String, List<Run>> groups = new LinkedHashMap<>();
    for (Run r : runs) {
      groups.computeIfAbsent(r.suite() + "\u0000" + r.task() + "\u0000" + r.model() + "\u0000" + r.backend() + "\u0000" + r.labelFraction(), k -> new ArrayList<>()).add(r);
    }
    Map<Run, CasePredictions> predictions = new java.util.IdentityHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (var e : groups.entrySet()) {
      entries.add(entry(e.getValue(), predictions, resamples, e.getKey()));
    }
    // rank within (task, fraction) and compare every entry with the best
    Map<String, List<Entry>> ranked = new LinkedHashMap<>();
    for (Entry e : entries) {
      ranked.computeIfAbsent(e.task() + "\u0000" + e.labelFraction(), k -> new ArrayList<>()).add(e);
    }
    List<Entry> out = new ArrayList<>();
    for (var g : ranked.entrySet()) {
      List<Entry> group = g.getValue();
      String metric = MetricRegistry.primary(TaskType.fromId(group.get(0).taskType())).name();
      Comparator<Entry> order = Comparator.comparingDouble(e -> score(e, metric));
      group.sort(MetricRegistry.higherIsBetter(metric) ? order.reversed() : order);
      Entry best = group.get(0).ok() > 0 && !Double.isInfinite(score(group.get(0), metric)) ? group.get(0) : null;
      for (Entry e : group) {
        if ("pretrain".equals(e.taskType())) {
          out.add(e);
          continue;
        }
        Entry ref = reference(group, reference, e.backend());
        Comparison vsReference = ref == null || ref == e ? null : paired(e, ref, metric, predictions, resamples, g.getKey() + e.model() + e.backend() + "\u0000" + reference);
        if (best == null) {
          out.add(with(e, false, null, vsReference));
        } else if (e == best) {
          out.add(with(e, true, null, vsReference));
        } else {
          out.add(with(e, false, paired(e, best, metric, predictions, resamples, g.getKey() + e.model() + e.backend()), vsReference));
        }
      }
    }
    // tasks in suite order, pre-training stages after them; larger label fractions first
    out.sort(Comparator.comparing((Entry e) -> "pretrain".equals(e.taskType())).thenComparing(e -> taskOrder(entries, e.task()))
        .thenComparing(Entry::labelFraction, Comparator.reverseOrder()));
    return new Leaderboard(List.copyOf(out), reference);
  }

  /** The reference model's entry in a (task, fraction) group: on the same backend where it ran there. */
  private static Entry reference(List<Entry> group, String model, String backend) {
    if (model == null) {
      return null;
    }
    List<Entry> candidates = group.stream().filter(e -> e.model().equals(model) && e.ok() > 0).toList();
    return candidates.stream().filter(e -> e.backend().equals(backend)).findFirst().orElse(candidates.isEmpty() ? null : candidates.get(0));
  }

  /** The model as a reader should see it: with its suite when results of several suites are shown together. */
  public String label(Entry e) {
    return entries.stream().map(Entry::suite).distinct().count() > 1 ? e.model() + " [" + e.suite() + "]" : e.model();
  }

  /** Entries per task, in the order tasks first appear. */
  public Map<String, List<Entry>> byTask() {
    Map<String, List<Entry>> m = new LinkedHashMap<>();
    for (Entry e : entries) {
      m.computeIfAbsent(e.task(), k -> new ArrayList<>()).add(e);
    }
    return m;
  }

  private static int taskOrder(List<Entry> entries, String task) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).task().equals(task)) {
        return i;
      }
    }
    return entries.size();
  }

  /** Sort key: failed or missing metrics sort last whatever the direction. */
  private static double score(Entry e, String metric) {
    Stat s = e.metrics().get(metric);
    double v = s == null ? Double.NaN : s.mean();
    if (Double.isNaN(v)) {
      return MetricRegistry.higherIsBetter(metric) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return v;
  }

  private static Entry with(Entry e, boolean best, Comparison vsBest, Comparison vsReference) {
    return new Entry(e.suite(), e.task(), e.taskType(), e.model(), e.backend(), e.labelFraction(), e.runs(), e.ok(), e.errors(), e.metrics(), e.totalParams(),
        e.trainableParams(), e.trainSeconds(), best, vsBest, vsReference, e.members());
  }

  private static Entry entry(List<Run> runs, Map<Run, CasePredictions> cache, int resamples, String key) {
    Run first = runs.get(0);
    List<Run> ok = runs.stream().filter(Run::ok).toList();
    List<String> errors = runs.stream().filter(r -> !r.ok()).map(r -> r.cell() + ": " + r.error()).toList();
    List<String> keys = new ArrayList<>(MetricRegistry.shown(TaskType.fromId(first.taskType())));
    String primary = MetricRegistry.primary(TaskType.fromId(first.taskType())).name();
    if (!keys.contains(primary)) {
      keys.add(primary);
    }
    List<CasePredictions> preds = new ArrayList<>();
    for (Run r : ok) {
      CasePredictions p = predictions(r, cache);
      if (p != null) {
        preds.add(p);
      }
    }
    Map<String, Stat> metrics = new LinkedHashMap<>();
    for (String k : keys) {
      List<Double> values = ok.stream().map(r -> r.metric(k)).toList();
      double[] interval = !ok.isEmpty() && preds.size() == ok.size() ? pooledInterval(preds, k, resamples, (key + k).hashCode()) : new double[] {Double.NaN, Double.NaN};
      metrics.put(k, Stat.of(values, interval));
    }
    Run withParams = ok.isEmpty() ? first : ok.get(0);
    double seconds = ok.stream().mapToDouble(r -> r.row().timing() == null ? Double.NaN : r.row().timing().trainSeconds()).average().orElse(Double.NaN);
    return new Entry(first.suite(), first.task(), first.taskType(), first.model(), first.backend(), first.labelFraction(), runs.size(), ok.size(), errors, metrics,
        withParams.row().params() == null ? -1 : withParams.row().params().total(), withParams.row().params() == null ? -1 : withParams.row().params().trainable(),
        seconds, false, null, null,
        List.copyOf(runs));
  }

  static CasePredictions predictions(Run r, Map<Run, CasePredictions> cache) {
    if (!cache.containsKey(r)) {
      try {
        cache.put(r, CasePredictions.read(r.predictionsFile(), r.taskType()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cache.get(r);
  }

  /** 95% interval of the mean over runs, resampling each run's test cases (stratified by run). */
  static double[] pooledInterval(List<CasePredictions> runs, String metric, int resamples, long seed) {
    if (runs.stream().anyMatch(p -> p.size() == 0)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    Random random = new Random(seed);
    double[] values = new double[resamples];
    int defined = 0;
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (CasePredictions p : runs) {
        sum += p.metric(metric, draw(random, p.size()));
      }
      if (!Double.isNaN(sum)) {
        values[defined++] = sum / runs.size();
      }
    }
    return percentiles(Arrays.copyOf(values, defined));
  }

  /**
   * Paired bootstrap of (entry - best) on the primary metric (or entry - reference): runs are
   * paired by seed and fold (the same split, so the same test cases); each resample draws the same
   * cases for both.
   */
  static Comparison paired(Entry entry, Entry best, String metric, Map<Run, CasePredictions> cache, int resamples, String key) {
    Map<String, Run> bestRuns = new HashMap<>();
    best.members().stream().filter(Run::ok).forEach(r -> bestRuns.put(r.pairing(), r));
    List<CasePredictions> a = new ArrayList<>();
    List<int[]> map = new ArrayList<>();
    List<CasePredictions> b = new ArrayList<>();
    for (Run r : entry.members()) {
      Run other = bestRuns.get(r.pairing());
      if (!r.ok() || other == null) {
        continue;
      }
      CasePredictions pa = predictions(r, cache);
      CasePredictions pb = predictions(other, cache);
      int[] index = pa == null || pb == null ? null : alignment(pa, pb);
      if (index != null && pa.size() > 0) {
        a.add(pa);
        b.add(pb);
        map.add(index);
      }
    }
    if (a.isEmpty()) {
      return new Comparison(best.model() + "/" + best.backend(), metric, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double observed = 0;
    for (int i = 0; i < a.size(); i++) {
      observed += a.get(i).metric(metric) - b.get(i).metric(metric);
    }
    observed /= a.size();
    Random random = new Random(key.hashCode());
    double[] diffs = new double[resamples];
    int defined = 0;
    int atOrBelowZero = 0;
    int atOrAboveZero = 0;
    for (int s = 0; s < resamples; s++) {
      double sum = 0;
      for (int i = 0; i < a.size(); i++) {
        int[] cases = draw(random, a.get(i).size());
        int[] mapped = new int[cases.length];
        for (int c = 0; c < cases.length; c++) {
          mapped[c] = map.get(i)[cases[c]];
        }
        sum += a.get(i).metric(metric, cases) - b.get(i).metric(metric, mapped);
      }
      if (!Double.isNaN(sum)) {
        double d = sum / a.size();
        diffs[defined++] = d;
        atOrBelowZero += d <= 0 ? 1 : 0;
        atOrAboveZero += d >= 0 ? 1 : 0;
      }
    }
    double[] ci = percentiles(Arrays.copyOf(diffs, defined));
    double p = defined == 0 ? Double.NaN : Math.min(1.0, 2.0 * Math.min(atOrBelowZero, atOrAboveZero) / defined);
    return new Comparison(best.model() + "/" + best.backend(), metric, a.size(), observed, ci[0], ci[1], p);
  }

  /** For each case of {@code a}, its index in {@code b}; null when the two do not hold the same cases. */
  private static int[] alignment(CasePredictions a, CasePredictions b) {
    if (a.size() != b.size()) {
      return null;
    }
    Map<String, Integer> where = new HashMap<>();
    for (int i = 0; i < b.size(); i++) {
      where.put(b.ids().get(i), i);
    }
    int[] index = new int[a.size()];
    for (int i = 0; i < a.size(); i++) {
      Integer j = where.get(a.ids().get(i));
      if (j == null) {
        return null;
      }
      index[i] = j;
    }
    return index;
  }

  private static int[] draw(Random random, int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = random.nextInt(n);
    }
    return idx;
  }

  private static double[] percentiles(double[] values) {
    return org.brainbench.tasks.metric.Bootstrap.percentileInterval(values);
  }
}
