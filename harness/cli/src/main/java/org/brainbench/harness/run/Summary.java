package org.brainbench.harness.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brainbench.harness.result.MetricValues;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TaskEntry;

/**
 * The console summary: per task, each model and backend's metrics (mean ± sd over seeds and folds,
 * per label fraction) with the trivial baseline's next to them, and failed cells named.
 */
public final class Summary {
  private Summary() {}

  static String stageLine(ResultRow row) {
    MetricValues m = row.metrics();
    String numbers = String.format(Locale.ROOT, "loss %.4f, embedding spread %.4g -> %.4g", m.scalar("loss"), m.scalar("embeddingStdStart"),
        m.scalar("embeddingStd"));
    if (row.objective() != null) {
      numbers = row.objective() + " " + numbers;
    }
    if (row.params() != null) {
      numbers += String.format(Locale.ROOT, ", trained %,d of %,d parameters", row.params().trainable(), row.params().total());
    }
    return row.ok() ? "ok  " + numbers : "FAILED: " + row.errorText() + " (" + numbers + ")";
  }

  static String oneLine(ResultRow row, TaskEntry task) {
    if (!row.ok()) {
      return "FAILED: " + row.errorText();
    }
    StringBuilder b = new StringBuilder("ok");
    for (String m : task.metrics()) {
      b.append(String.format(Locale.ROOT, "  %s %.3f (baseline %.3f)", m, row.metrics().scalar(m),
          row.baseline() == null ? Double.NaN : row.baseline().scalar(m)));
    }
    if (row.resumedFromEpoch() > 0) {
      b.append("  (resumed after epoch ").append(row.resumedFromEpoch()).append(')');
    }
    return b.toString();
  }

  public static void print(Suite suite, List<ResultRow> rows, PrintWriter out) {
    try {
      printTables(suite, rows, out);
    } finally {
      out.flush();
    }
  }

  private static void printTables(Suite suite, List<ResultRow> rows, PrintWriter out) {
    printStages(suite, rows, out);
    out.println();
    out.println("Summary (mean ± sd over seeds and folds; baseline on the same test cases)");
    for (TaskEntry task : suite.tasks()) {
      List<ResultRow> taskRows = rows.stream().filter(r -> r.task().equals(task.name())).toList();
      if (taskRows.isEmpty()) {
        continue;
      }
      out.printf("%n%s (%s)%n", task.name(), task.type().id());
      StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-24s %-8s %-5s %3s", "model", "backend", "frac", "n"));
      for (String m : task.metrics()) {
        header.append(String.format(Locale.ROOT, " %18s", m));
      }
      header.append(String.format(Locale.ROOT, " %12s", "trainable"));
      out.println(header);
      Map<String, List<ResultRow>> groups = new LinkedHashMap<>();
      for (ResultRow r : taskRows) {
        String key = r.model() + "\t" + r.backend() + "\t" + r.labelFraction();
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
      for (Map.Entry<String, List<ResultRow>> g : groups.entrySet()) {
        String[] k = g.getKey().split("\t");
        List<ResultRow> ok = g.getValue().stream().filter(ResultRow::ok).toList();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s %-8s %-5s %3d", k[0], k[1],
            org.brainbench.harness.suite.Cell.fraction(Double.parseDouble(k[2])), ok.size()));
        for (String m : task.metrics()) {
          line.append(String.format(Locale.ROOT, " %18s", meanSd(ok.stream().map(ResultRow::metrics).toList(), m)));
        }
        line.append(String.format(Locale.ROOT, " %12s", ok.isEmpty() || ok.get(0).params() == null ? "-" : String.valueOf(ok.get(0).params().trainable())));
        out.println(line);
        StringBuilder base = new StringBuilder(String.format(Locale.ROOT, "  %-24s %-8s %-5s %3s", "  baseline: " + baselineName(task), "", "", ""));
        for (String m : task.metrics()) {
          base.append(String.format(Locale.ROOT, " %18s", meanSd(ok.stream().map(ResultRow::baseline).toList(), m)));
        }
        out.println(base);
        long failed = g.getValue().size() - ok.size();
        if (failed > 0) {
          for (ResultRow r : g.getValue()) {
            if (!r.ok()) {
              out.printf("  FAILED %s: %s%n", r.cell(), r.errorText());
            }
          }
        }
      }
    }
  }

  private static void printStages(Suite suite, List<ResultRow> rows, PrintWriter out) {
    List<ResultRow> stageRows = rows.stream().filter(ResultRow::isStage).toList();
    if (stageRows.isEmpty()) {
      return;
    }
    out.printf("%npre-training stages%n");
    for (ResultRow r : stageRows) {
      out.printf("  %-40s %s%n", r.cell(), stageLine(r));
    }
  }

  private static String baselineName(TaskEntry task) {
    return Baselines.name(task);
  }

  private static String meanSd(List<MetricValues> values, String metric) {
    List<Double> v = new ArrayList<>();
    for (MetricValues m : values) {
      if (m != null && m.asMap().get(metric) instanceof Double d) {
        v.add(d);
      }
    }
    if (v.isEmpty()) {
      return "-";
    }
    double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    if (v.size() == 1) {
      return String.format(Locale.ROOT, "%.3f", mean);
    }
    double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
    return String.format(Locale.ROOT, "%.3f ± %.3f", mean, Math.sqrt(ss / (v.size() - 1)));
  }
}
