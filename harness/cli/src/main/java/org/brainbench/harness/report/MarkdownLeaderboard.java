package org.brainbench.harness.report;

import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The leaderboard as GitHub-flavoured Markdown: one table per task, for READMEs and pull requests. */
public final class MarkdownLeaderboard implements ReportFormat {
  @Override
  public String id() {
    return "markdown";
  }

  @Override
  public java.util.List<java.nio.file.Path> write(Report report, java.nio.file.Path target) throws java.io.IOException {
    org.brainbench.tasks.io.AtomicFiles.writeString(target, render(report.board(), report.title()));
    return java.util.List.of(target);
  }

  public static String render(Leaderboard board, String title) {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(escape(title)).append("\n\n");
    b.append("Per task, models are ranked within each label fraction by the task's primary metric (classify: AUC, regress: MAE, segment: Dice). ")
        .append("Metrics are mean ± sd over runs (seeds, folds) with [the 95% bootstrap CI of that mean over test cases]. ")
        .append("**Bold**: the best, and every model not significantly different from it; Δ: difference to the best on the same test cases, ")
        .append("with its 95% paired-bootstrap CI (n.s.: not significant)")
        .append(board.reference() == null ? "" : "; Δ vs " + escape(board.reference()) + ": the same, against that model")
        .append(".\n\n");
    for (var t : board.byTask().entrySet()) {
      List<Entry> entries = t.getValue();
      String type = entries.get(0).taskType();
      if ("pretrain".equals(type)) {
        stage(b, board, t.getKey(), entries);
      } else {
        task(b, board, t.getKey(), type, entries);
      }
    }
    List<BackendAgreement> agreement = BackendAgreement.of(board.entries().stream().flatMap(e -> e.members().stream()).toList());
    if (!agreement.isEmpty()) {
      backends(b, agreement);
    }
    return b.toString();
  }

  /** The backends' agreement: per metric, both backends over seeds and a paired t-test of their difference. */
  private static void backends(StringBuilder b, List<BackendAgreement> rows) {
    b.append("## Backends compared\n\n");
    b.append("Runs paired by seed and fold (the same split and test subjects on both backends); mean ± sd over the pairs' runs; ")
        .append("Δ = mean of the per-pair differences (second backend − first) ± their sd; p: two-sided paired t-test, n − 1 degrees of freedom. ")
        .append("\"differ\": p < 0.05; otherwise the difference is within seed-to-seed spread.\n\n");
    b.append("| task | model | labels | metric | first backend | second backend | pairs | Δ | p | verdict |\n");
    b.append("|---|---|---|---|---|---|---:|---|---:|---|\n");
    for (BackendAgreement a : rows) {
      b.append("| ").append(escape(a.task())).append(" | ").append(escape(a.model())).append(" | ").append(percent(a.labelFraction())).append(" | ")
          .append(escape(a.metric())).append(" | ").append(escape(a.reference())).append(' ').append(meanSd(a.referenceStat().mean(), a.referenceStat().sd()))
          .append(" | ").append(escape(a.other())).append(' ').append(meanSd(a.otherStat().mean(), a.otherStat().sd())).append(" | ").append(a.pairs())
          .append(" | ").append(meanSd(a.difference(), a.sdDifference())).append(" | ")
          .append(Double.isNaN(a.p()) ? "" : String.format(Locale.ROOT, "%.3f", a.p())).append(" | ")
          .append(Double.isNaN(a.p()) ? "too few pairs" : a.differs() ? "**differ**" : "no evidence of a difference").append(" |\n");
    }
    b.append('\n');
  }

  private static String meanSd(double mean, double sd) {
    return Double.isNaN(sd) ? String.format(Locale.ROOT, "%.3f", mean) : String.format(Locale.ROOT, "%.3f ± %.3f", mean, sd);
  }

  private static void task(StringBuilder b, Leaderboard board, String task, String type, List<Entry> entries) {
    String primary = MetricRegistry.primary(TaskType.fromId(type)).name();
    List<String> shown = MetricRegistry.shown(TaskType.fromId(type));
    b.append("## ").append(escape(task)).append(" (").append(escape(type)).append(")\n\n");
    b.append("Ranked by ").append(primary).append(MetricRegistry.higherIsBetter(primary) ? " (higher is better)." : " (lower is better).").append("\n\n");
    b.append("| labels | model | backend | runs |");
    for (String m : shown) {
      b.append(' ').append(m).append(" |");
    }
    b.append(" Δ ").append(primary).append(" vs best |");
    if (board.reference() != null) {
      b.append(" Δ ").append(primary).append(" vs ").append(escape(board.reference())).append(" |");
    }
    b.append(" trainable params | total params | train s/run |\n");
    b.append("|---|---|---|---|");
    b.append("---|".repeat(shown.size() + (board.reference() != null ? 1 : 0)));
    b.append("---|---:|---:|---:|\n");
    for (Entry e : entries) {
      String model = escape(board.label(e));
      b.append("| ").append(percent(e.labelFraction())).append(" | ").append(e.leading() ? "**" + model + "**" : model).append(" | ")
          .append(escape(e.backend())).append(" | ").append(runs(e)).append(" |");
      for (String m : shown) {
        b.append(' ').append(e.ok() == 0 ? failure(e) : stat(e.metrics().get(m))).append(" |");
      }
      b.append(' ').append(e.best() ? "best" : delta(e.vsBest())).append(" |");
      if (board.reference() != null) {
        b.append(' ').append(e.model().equals(board.reference()) ? "reference" : delta(e.vsReference())).append(" |");
      }
      b.append(' ').append(count(e.trainableParams())).append(" | ").append(count(e.totalParams())).append(" | ")
          .append(Double.isNaN(e.trainSeconds()) ? "" : String.format(Locale.ROOT, "%.0f", e.trainSeconds())).append(" |\n");
    }
    b.append('\n');
  }

  private static void stage(StringBuilder b, Leaderboard board, String stage, List<Entry> entries) {
    b.append("## ").append(escape(stage)).append(" (pre-training stage)\n\n");
    b.append("| model | backend | runs | final validation loss | embedding spread (sd) | trainable params | train s/run |\n");
    b.append("|---|---|---|---|---|---:|---:|\n");
    for (Entry e : entries) {
      b.append("| ").append(escape(board.label(e))).append(" | ").append(escape(e.backend())).append(" | ").append(runs(e)).append(" | ")
          .append(e.ok() == 0 ? failure(e) : stat(e.metrics().get("loss"))).append(" | ")
          .append(e.ok() == 0 ? "" : stat(e.metrics().get("embeddingStd"))).append(" | ").append(count(e.trainableParams())).append(" | ")
          .append(Double.isNaN(e.trainSeconds()) ? "" : String.format(Locale.ROOT, "%.0f", e.trainSeconds())).append(" |\n");
    }
    b.append('\n');
  }

  private static String runs(Entry e) {
    return e.ok() == e.runs() ? String.valueOf(e.runs()) : e.ok() + "/" + e.runs() + " ok, " + (e.runs() - e.ok()) + " failed";
  }

  private static String failure(Entry e) {
    String first = e.errors().isEmpty() ? "" : e.errors().get(0);
    return "failed: " + escape(first.length() > 80 ? first.substring(0, 77) + "..." : first);
  }

  private static String delta(Comparison c) {
    if (c == null || c.pairs() == 0 || Double.isNaN(c.difference())) {
      return "";
    }
    return String.format(Locale.ROOT, "%s [%s, %s]%s", signed(c.difference()), signed(c.low()), signed(c.high()), c.significant() ? "" : " (n.s.)");
  }

  static String stat(Stat s) {
    if (s == null || s.n() == 0) {
      return "";
    }
    // one precision per cell, from the mean: sd and interval read in the same units
    int decimals = decimals(s.mean());
    StringBuilder b = new StringBuilder(number(s.mean(), decimals));
    if (!Double.isNaN(s.sd())) {
      b.append(" ± ").append(number(s.sd(), decimals));
    }
    if (!Double.isNaN(s.low())) {
      b.append(" [").append(number(s.low(), decimals)).append(", ").append(number(s.high(), decimals)).append(']');
    }
    return b.toString();
  }

  /** Three decimals below 10 (AUC, Dice, R²), two above (MAE in years, HD95 in mm). */
  static String number(double v) {
    return number(v, decimals(v));
  }

  private static int decimals(double v) {
    return Double.isNaN(v) || Math.abs(v) < 10 ? 3 : 2;
  }

  private static String number(double v, int decimals) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String signed(double v) {
    return (v >= 0 ? "+" : "") + number(v);
  }

  static String percent(double fraction) {
    double p = fraction * 100;
    return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
  }

  /** 90.9k, 1.23M: parameter counts a reader compares at a glance. */
  static String count(long n) {
    if (n < 0) {
      return "";
    }
    if (n < 1_000) {
      return String.valueOf(n);
    }
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    return String.format(Locale.ROOT, "%.2fM", n / 1e6);
  }

  /** Names come from user files: keep them from breaking the table or injecting markup. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\', '`', '*', '_', '{', '}', '[', ']', '(', ')', '#', '+', '!', '|', '~' -> b.append('\\').append(c);
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '\n', '\r' -> b.append(' ');
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
