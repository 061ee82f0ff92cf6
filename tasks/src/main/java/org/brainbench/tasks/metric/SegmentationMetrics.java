package org.brainbench.tasks.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.brainbench.tasks.dataset.LabelConvention;

/**
 * Segmentation metrics per docs/metrics.md, as MONAI computes them, with the empty cases written down.
 *
 * <p>Per case and label: Dice = 2|A∩B| / (|A|+|B|). HD95: the edge of a mask is the mask minus its
 * erosion by the 6-connected cross (voxels outside the image count as background, so masks touching
 * the border have edges there); the Euclidean distances in mm from every edge voxel of one mask to
 * the nearest edge voxel of the other; the 95th percentile (linear interpolation) of each direction;
 * the larger of the two. Both masks empty: Dice 1, HD95 0. Exactly one empty: Dice 0, HD95 the
 * image diagonal, sqrt(sum((n_i * spacing_i)²)) mm.
 */
public final class SegmentationMetrics {
  private SegmentationMetrics() {}

  /** One case's label map pair on one grid. */
  public record Case(String id, float[] truth, float[] prediction, int[] shape, double[] spacing) {
    public Case {
      int n = shape[0] * shape[1] * shape[2];
      if (truth.length != n || prediction.length != n) {
        throw new IllegalArgumentException(id + ": truth has " + truth.length + " voxels, prediction " + prediction.length + ", grid " + n);
      }
    }
  }

  /** Dice and HD95 per label of one case. */
  public record CaseScores(String id, Map<Integer, Double> dice, Map<Integer, Double> hd95) {}

  /** Dice and HD95 per region ({@code WT}, {@code TC}, {@code ET}) of one case. */
  public record RegionScores(String id, Map<String, Double> dice, Map<String, Double> hd95) {}

  /** Every non-zero label in any truth or prediction. */
  public static SortedSet<Integer> labels(List<Case> cases) {
    SortedSet<Integer> labels = new TreeSet<>();
    for (Case c : cases) {
      collect(c.truth(), labels);
      collect(c.prediction(), labels);
    }
    return labels;
  }

  public static CaseScores score(Case c, SortedSet<Integer> labels) {
    Map<Integer, Double> dice = new TreeMap<>();
    Map<Integer, Double> hd = new TreeMap<>();
    for (int label : labels) {
      boolean[] a = mask(c.truth(), label);
      boolean[] b = mask(c.prediction(), label);
      dice.put(label, dice(a, b));
      hd.put(label, hd95(a, b, c.shape(), c.spacing()));
    }
    return new CaseScores(c.id(), dice, hd);
  }

  /**
   * Means over cases: {@code dice} and {@code hd95} (over cases and labels), {@code dicePerLabel}
   * and {@code hd95PerLabel} (over cases).
   */
  public static Map<String, Object> aggregate(List<CaseScores> scores, SortedSet<Integer> labels) {
    Map<String, Double> dicePer = new LinkedHashMap<>();
    Map<String, Double> hdPer = new LinkedHashMap<>();
    double diceAll = 0;
    double hdAll = 0;
    for (int label : labels) {
      double d = 0;
      double h = 0;
      for (CaseScores s : scores) {
        d += s.dice().get(label);
        h += s.hd95().get(label);
      }
      dicePer.put(String.valueOf(label), d / scores.size());
      hdPer.put(String.valueOf(label), h / scores.size());
      diceAll += d;
      hdAll += h;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    long count = (long) scores.size() * labels.size();
    m.put("dice", count == 0 ? Double.NaN : diceAll / count);
    m.put("dicePerLabel", dicePer);
    m.put("hd95", count == 0 ? Double.NaN : hdAll / count);
    m.put("hd95PerLabel", hdPer);
    return m;
  }

  /**
   * Dice and HD95 of each region, a region being the union of its labels in both maps; the empty
   * cases as for a label (both empty: Dice 1, HD95 0; one empty: Dice 0, HD95 the image diagonal).
   */
  public static RegionScores scoreRegions(Case c, List<LabelConvention.Region> regions) {
    Map<String, Double> dice = new LinkedHashMap<>();
    Map<String, Double> hd = new LinkedHashMap<>();
    for (LabelConvention.Region r : regions) {
      boolean[] a = r.mask(c.truth());
      boolean[] b = r.mask(c.prediction());
      dice.put(r.id(), dice(a, b));
      hd.put(r.id(), hd95(a, b, c.shape(), c.spacing()));
    }
    return new RegionScores(c.id(), dice, hd);
  }

  /** Means over cases: {@code diceWT}, {@code diceTC}, ..., then {@code hd95WT}, ... (NaN without cases). */
  public static Map<String, Double> aggregateRegions(List<RegionScores> scores, List<LabelConvention.Region> regions) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String metric : List.of("dice", "hd95")) {
      for (LabelConvention.Region r : regions) {
        double sum = 0;
        for (RegionScores s : scores) {
          sum += (metric.equals("dice") ? s.dice() : s.hd95()).get(r.id());
        }
        m.put(metric + r.id(), scores.isEmpty() ? Double.NaN : sum / scores.size());
      }
    }
    return m;
  }

  public static double dice(boolean[] a, boolean[] b) {
    long inter = 0;
    long sa = 0;
    long sb = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i]) {
        sa++;
        if (b[i]) {
          inter++;
        }
      }
      if (b[i]) {
        sb++;
      }
    }
    return sa + sb == 0 ? 1.0 : 2.0 * inter / (sa + sb);
  }

  public static double hd95(boolean[] a, boolean[] b, int[] shape, double[] spacing) {
    boolean emptyA = isEmpty(a);
    boolean emptyB = isEmpty(b);
    if (emptyA && emptyB) {
      return 0;
    }
    if (emptyA || emptyB) {
      double d = 0;
      for (int i = 0; i < 3; i++) {
        d += Math.pow(shape[i] * spacing[i], 2);
      }
      return Math.sqrt(d);
    }
    boolean[] edgeA = edges(a, shape);
    boolean[] edgeB = edges(b, shape);
    double ab = percentile95(directed(edgeA, DistanceTransform.squaredDistances(edgeB, shape, spacing)));
    double ba = percentile95(directed(edgeB, DistanceTransform.squaredDistances(edgeA, shape, spacing)));
    return Math.max(ab, ba);
  }

  /** Mask minus its erosion by the 6-connected cross; outside the image is background. */
  static boolean[] edges(boolean[] m, int[] shape) {
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    boolean[] e = new boolean[m.length];
    int idx = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++, idx++) {
          if (!m[idx]) {
            continue;
          }
          boolean interior = i > 0 && i < nx - 1 && j > 0 && j < ny - 1 && k > 0 && k < nz - 1
              && m[idx - 1] && m[idx + 1] && m[idx - nx] && m[idx + nx] && m[idx - nx * ny] && m[idx + nx * ny];
          e[idx] = !interior;
        }
      }
    }
    return e;
  }

  private static double[] directed(boolean[] from, double[] squaredToOther) {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      if (from[i]) {
        d.add(Math.sqrt(squaredToOther[i]));
      }
    }
    return d.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** numpy's default (linear) 95th percentile. */
  static double percentile95(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    double pos = 0.95 * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  private static boolean[] mask(float[] labels, int label) {
    boolean[] m = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      m[i] = Math.round(labels[i]) == label;
    }
    return m;
  }

  private static boolean isEmpty(boolean[] m) {
    for (boolean b : m) {
      if (b) {
        return false;
      }
    }
    return true;
  }

  private static void collect(float[] labels, SortedSet<Integer> out) {
    for (float v : labels) {
      int l = Math.round(v);
      if (l != 0) {
        out.add(l);
      }
    }
  }
}
