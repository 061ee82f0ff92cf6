package org.brainbench.harness.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.brainbench.tasks.metric.ClassificationMetrics;
import org.brainbench.tasks.metric.RegressionMetrics;

/**
 * One cell's per-case predictions ({@code predictions/<cell>.csv}), able to recompute a metric
 * on any resample of its cases: what the bootstrap intervals and paired comparisons need. The
 * metrics are the canonical ones in {@code tasks/metric}; segmentation uses the per-case Dice and
 * HD95 the run wrote (mean over labels, then over cases, as docs/metrics.md defines them).
 */
public final class CasePredictions {
  private final List<String> ids;
  private final Scorer scorer;

  private interface Scorer {
    double apply(String metric, int[] cases);
  }

  private CasePredictions(List<String> ids, Scorer scorer) {
    this.ids = List.copyOf(ids);
    this.scorer = scorer;
  }

  public List<String> ids() {
    return ids;
  }

  public int size() {
    return ids.size();
  }

  /** The metric over the given cases (indices into {@link #ids()}, repeats allowed); NaN if undefined or unknown. */
  public double metric(String metric, int[] cases) {
    return scorer.apply(metric, cases);
  }

  /** The metric over all cases. */
  public double metric(String metric) {
    int[] all = new int[size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return metric(metric, all);
  }

  /** Reads a cell's predictions; {@code null} when the file is absent. */
  public static CasePredictions read(Path csv, String taskType) throws IOException {
    if (!Files.isRegularFile(csv)) {
      return null;
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).get();
    try (Reader r = Files.newBufferedReader(csv); CSVParser p = CSVParser.parse(r, format)) {
      List<String> header = p.getHeaderNames();
      List<CSVRecord> records = p.getRecords();
      try {
        return switch (taskType) {
          case "classify" -> classification(header, records);
          case "regress" -> regression(records);
          case "segment" -> segmentation(records);
          default -> null;
        };
      } catch (RuntimeException e) {
        throw new IOException(csv + ": " + e.getMessage(), e);
      }
    }
  }

  private static CasePredictions classification(List<String> header, List<CSVRecord> records) {
    List<String> classes = new ArrayList<>();
    for (String h : header) {
      if (h.startsWith("p_")) {
        classes.add(h.substring(2));
      }
    }
    List<String> ids = new ArrayList<>();
    int[] truth = new int[records.size()];
    double[][] probabilities = new double[records.size()][classes.size()];
    for (int i = 0; i < records.size(); i++) {
      CSVRecord rec = records.get(i);
      ids.add(rec.get("subject_id"));
      truth[i] = classes.indexOf(rec.get("truth"));
      if (truth[i] < 0) {
        throw new IllegalArgumentException("line " + (i + 2) + ": truth \"" + rec.get("truth") + "\" is not one of " + classes);
      }
      for (int k = 0; k < classes.size(); k++) {
        probabilities[i][k] = Double.parseDouble(rec.get("p_" + classes.get(k)));
      }
    }
    int k = classes.size();
    return new CasePredictions(ids, (metric, cases) -> {
      int[] t = new int[cases.length];
      double[][] p = new double[cases.length][];
      for (int i = 0; i < cases.length; i++) {
        t[i] = truth[cases[i]];
        p[i] = probabilities[cases[i]];
      }
      return ClassificationMetrics.compute(t, p, k).getOrDefault(metric, Double.NaN);
    });
  }

  private static CasePredictions regression(List<CSVRecord> records) {
    List<String> ids = new ArrayList<>();
    double[] truth = new double[records.size()];
    double[] prediction = new double[records.size()];
    for (int i = 0; i < records.size(); i++) {
      CSVRecord rec = records.get(i);
      ids.add(rec.get("subject_id"));
      truth[i] = Double.parseDouble(rec.get("truth"));
      prediction[i] = Double.parseDouble(rec.get("prediction"));
    }
    return new CasePredictions(ids, (metric, cases) -> {
      double[] t = new double[cases.length];
      double[] p = new double[cases.length];
      for (int i = 0; i < cases.length; i++) {
        t[i] = truth[cases[i]];
        p[i] = prediction[cases[i]];
      }
      return RegressionMetrics.compute(t, p).getOrDefault(metric, Double.NaN);
    });
  }

  private static CasePredictions segmentation(List<CSVRecord> records) {
    // per case: the mean over its labels of dice and of hd95
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (CSVRecord rec : records) {
      double[] s = sums.computeIfAbsent(rec.get("subject_id"), id -> new double[3]);
      s[0] += Double.parseDouble(rec.get("dice"));
      s[1] += Double.parseDouble(rec.get("hd95"));
      s[2]++;
    }
    List<String> ids = new ArrayList<>(sums.keySet());
    double[] dice = new double[ids.size()];
    double[] hd95 = new double[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      double[] s = sums.get(ids.get(i));
      dice[i] = s[0] / s[2];
      hd95[i] = s[1] / s[2];
    }
    return new CasePredictions(ids, (metric, cases) -> {
      double[] v = switch (metric) {
        case "dice" -> dice;
        case "hd95" -> hd95;
        default -> null;
      };
      if (v == null || cases.length == 0) {
        return Double.NaN;
      }
      double sum = 0;
      for (int c : cases) {
        sum += v[c];
      }
      return sum / cases.length;
    });
  }
}
