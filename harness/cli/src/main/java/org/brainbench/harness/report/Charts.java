package org.brainbench.harness.report;

import org.brainbench.harness.result.EpochRecord;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's charts per task: trainable parameters against the primary metric (the
 * parameter-efficiency picture the Medical Transformer paper is about), the primary metric
 * against the label fraction with its 95% intervals as bands, and learning curves (training loss per epoch of the first seed
 * at the largest label fraction).
 */
public final class Charts {
  private Charts() {}

  public static List<Chart> forTask(Leaderboard board, String task) {
    List<Entry> entries = board.entries().stream().filter(e -> e.task().equals(task)).toList();
    if (entries.isEmpty() || "pretrain".equals(entries.get(0).taskType())) {
      return List.of();
    }
    String metric = MetricRegistry.primary(TaskType.fromId(entries.get(0).taskType())).name();
    double full = entries.stream().mapToDouble(Entry::labelFraction).max().orElse(1);
    List<Chart> charts = new ArrayList<>();
    charts.add(parameters(task, metric, entries, full));
    if (entries.stream().map(Entry::labelFraction).distinct().count() > 1) {
      charts.add(fractions(task, metric, entries));
    }
    charts.add(learningCurves(task, entries, full));
    return charts.stream().filter(c -> !c.isEmpty()).toList();
  }

  private static String name(Entry e) {
    return e.model() + " (" + e.backend() + ")";
  }

  private static Chart parameters(String task, String metric, List<Entry> entries, double fraction) {
    List<Chart.Series> series = new ArrayList<>();
    for (Entry e : entries) {
      Stat s = e.metrics().get(metric);
      if (e.labelFraction() == fraction && s != null && !Double.isNaN(s.mean()) && e.trainableParams() > 0) {
        series.add(new Chart.Series(name(e), List.of(new Chart.Point(e.trainableParams(), s.mean(),
            String.format(Locale.ROOT, "%s: %s %s, %s trainable", name(e), metric, MarkdownLeaderboard.number(s.mean()), MarkdownLeaderboard.count(e.trainableParams())))), false));
      }
    }
    return new Chart(task + "-params", task + ": " + metric + " vs trainable parameters (" + MarkdownLeaderboard.percent(fraction) + " labels)",
        "trainable parameters", metric, true, series);
  }

  private static Chart fractions(String task, String metric, List<Entry> entries) {
    Map<String, List<Chart.Point>> byModel = new LinkedHashMap<>();
    for (Entry e : entries) {
      Stat s = e.metrics().get(metric);
      if (s != null && !Double.isNaN(s.mean())) {
        byModel.computeIfAbsent(name(e), k -> new ArrayList<>()).add(new Chart.Point(e.labelFraction() * 100, s.mean(),
            String.format(Locale.ROOT, "%s at %s labels: %s", name(e), MarkdownLeaderboard.percent(e.labelFraction()), MarkdownLeaderboard.stat(s)),
            s.low(), s.high()));
      }
    }
    List<Chart.Series> series = new ArrayList<>();
    byModel.forEach((n, points) -> {
      List<Chart.Point> sorted = new ArrayList<>(points);
      sorted.sort(java.util.Comparator.comparingDouble(Chart.Point::x));
      series.add(new Chart.Series(n, sorted, true));
    });
    // the bands are the leaderboard's 95% bootstrap intervals of the mean over test cases
    return new Chart(task + "-fractions", task + ": " + metric + " vs label fraction (bands: 95% CI)", "training labels (%)", metric, false, series);
  }

  private static Chart learningCurves(String task, List<Entry> entries, double fraction) {
    List<Chart.Series> series = new ArrayList<>();
    for (Entry e : entries) {
      if (e.labelFraction() != fraction) {
        continue;
      }
      Run first = e.members().stream().filter(Run::ok).findFirst().orElse(null);
      if (first == null) {
        continue;
      }
      List<Chart.Point> points = new ArrayList<>();
      for (EpochRecord h : first.row().history()) {
        double loss = h.trainLoss();
        if (!Double.isNaN(loss)) {
          points.add(new Chart.Point(h.epoch(), loss, String.format(Locale.ROOT, "%s epoch %d: %.4f", name(e), h.epoch(), loss)));
        }
      }
      series.add(new Chart.Series(name(e) + " s" + first.seed(), points, true));
    }
    return new Chart(task + "-learning", task + ": training loss per epoch (" + MarkdownLeaderboard.percent(fraction) + " labels)", "epoch",
        "training loss", false, series);
  }
}
