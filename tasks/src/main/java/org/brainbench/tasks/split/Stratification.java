package org.brainbench.tasks.split;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.Scan;

/**
 * What splits keep balanced: nothing, the class, or age in equal-count bins (quantiles over
 * subjects). A subject's class or age is that of its first scan (by session).
 */
public enum Stratification {
  NONE,
  CLASS,
  AGE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Stratification fromId(String id) {
    for (Stratification s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }

  /** The stratum of every subject of the dataset. */
  public Map<String, String> strata(Dataset dataset, int ageBins) {
    Map<String, Scan> first = new LinkedHashMap<>();
    dataset.bySubject().forEach((subject, scans) -> first.put(subject, scans.stream()
        .min(Comparator.comparing(s -> s.session() == null ? "" : s.session())).orElseThrow()));
    Map<String, String> out = new LinkedHashMap<>();
    switch (this) {
      case NONE -> first.keySet().forEach(s -> out.put(s, "all"));
      case CLASS -> first.forEach((s, scan) -> {
        if (scan.label() == null) {
          throw new IllegalArgumentException("subject " + s + " has no class label to stratify by");
        }
        out.put(s, "class=" + scan.label());
      });
      case AGE -> {
        List<Double> ages = new ArrayList<>();
        first.forEach((s, scan) -> {
          if (scan.age() == null) {
            throw new IllegalArgumentException("subject " + s + " has no age to stratify by");
          }
          ages.add(scan.age());
        });
        double[] edges = quantileEdges(ages, ageBins);
        first.forEach((s, scan) -> out.put(s, "ageBin=" + bin(scan.age(), edges)));
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  /** The inner edges of {@code bins} equal-count bins. */
  static double[] quantileEdges(List<Double> values, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("age bins must be >= 1, got " + bins);
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] edges = new double[bins - 1];
    for (int b = 1; b < bins; b++) {
      double pos = (double) b / bins * (sorted.length - 1);
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, sorted.length - 1);
      edges[b - 1] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
    return edges;
  }

  static int bin(double value, double[] edges) {
    int b = 0;
    while (b < edges.length && value > edges[b]) {
      b++;
    }
    return b;
  }
}
