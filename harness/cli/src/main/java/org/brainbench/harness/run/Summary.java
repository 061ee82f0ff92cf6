package org.brainbench.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TaskEntry;

/**
 * The console summary: per task, each model and backend's metrics (mean ± sd over seeds and folds,
 * per label fraction) with the trivial baseline's next to them, and failed cells named.
 */
public final class Summary {
  private Summary() {}

  static String stageLine(ObjectNode row) {
    JsonNode m = row.path("metrics");
    String numbers = String.format(Locale.ROOT, "loss %.4f, embedding spread %.4g -> %.4g", m.path("loss").asDouble(Double.NaN),
        m.path("embeddingStdStart").asDouble(Double.NaN), m.path("embeddingStd").asDouble(Double.NaN));
    return "ok".equals(row.path("status").asText()) ? "ok  " + numbers : "FAILED: " + row.path("error").asText() + " (" + numbers + ")";
  }

  static String oneLine(ObjectNode row, TaskEntry task) {
    if (!"ok".equals(row.path("status").asText())) {
      return "FAILED: " + row.path("error").asText();
    }
    StringBuilder b = new StringBuilder("ok");
    for (String m : task.metrics()) {
      b.append(String.format(Locale.ROOT, "  %s %.3f (baseline %.3f)", m, row.path("metrics").path(m).asDouble(Double.NaN),
          row.path("baseline").path(m).asDouble(Double.NaN)));
    }
    if (row.has("resumedFromEpoch")) {
      b.append("  (resumed after epoch ").append(row.get("resumedFromEpoch").asInt()).append(')');
    }
    return b.toString();
  }

  public static void print(Suite suite, List<ObjectNode> rows, PrintWriter out) {
    try {
      printTables(suite, rows, out);
    } finally {
      out.flush();
    }
  }

  private static void printTables(Suite suite, List<ObjectNode> rows, PrintWriter out) {
    printStages(suite, rows, out);
    out.println();
    out.println("Summary (mean ± sd over seeds and folds; baseline on the same test cases)");
    for (TaskEntry task : suite.tasks()) {
      List<ObjectNode> taskRows = rows.stream().filter(r -> r.path("task").asText().equals(task.name())).toList();
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
      Map<String, List<ObjectNode>> groups = new LinkedHashMap<>();
      for (ObjectNode r : taskRows) {
        String key = r.path("model").asText() + "\t" + r.path("backend").asText() + "\t" + r.path("labelFraction").asDouble();
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
      }
      for (Map.Entry<String, List<ObjectNode>> g : groups.entrySet()) {
        String[] k = g.getKey().split("\t");
        List<ObjectNode> ok = g.getValue().stream().filter(r -> "ok".equals(r.path("status").asText())).toList();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-24s %-8s %-5s %3d", k[0], k[1],
            org.brainbench.harness.suite.Cell.fraction(Double.parseDouble(k[2])), ok.size()));
        for (String m : task.metrics()) {
          line.append(String.format(Locale.ROOT, " %18s", meanSd(ok, "metrics", m)));
        }
        line.append(String.format(Locale.ROOT, " %12s", ok.isEmpty() ? "-" : ok.get(0).path("params").path("trainable").asText()));
        out.println(line);
        StringBuilder base = new StringBuilder(String.format(Locale.ROOT, "  %-24s %-8s %-5s %3s", "  baseline: " + baselineName(task), "", "", ""));
        for (String m : task.metrics()) {
          base.append(String.format(Locale.ROOT, " %18s", meanSd(ok, "baseline", m)));
        }
        out.println(base);
        long failed = g.getValue().size() - ok.size();
        if (failed > 0) {
          for (ObjectNode r : g.getValue()) {
            if (!"ok".equals(r.path("status").asText())) {
              out.printf("  FAILED %s: %s%n", r.path("cell").asText(), r.path("error").asText());
            }
          }
        }
      }
    }
  }

  private static void printStages(Suite suite, List<ObjectNode> rows, PrintWriter out) {
    List<ObjectNode> stageRows = rows.stream().filter(r -> "pretrain".equals(r.path("taskType").asText())).toList();
    if (stageRows.isEmpty()) {
      return;
    }
    out.printf("%npre-training stages%n");
    for (ObjectNode r : stageRows) {
      out.printf("  %-40s %s%n", r.path("cell").asText(), stageLine(r));
    }
  }

  private static String baselineName(TaskEntry task) {
    return Baselines.name(task);
  }

  private static String meanSd(List<ObjectNode> rows, String field, String metric) {
    List<Double> v = new ArrayList<>();
    for (ObjectNode r : rows) {
      JsonNode n = r.path(field).path(metric);
      if (n.isNumber()) {
        v.add(n.asDouble());
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
