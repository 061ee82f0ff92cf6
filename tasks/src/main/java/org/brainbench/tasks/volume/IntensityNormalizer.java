package org.brainbench.tasks.volume;

import java.util.Arrays;

/**
 * Intensity normalisation restricted to a brain mask, per channel. The mask is given (a label map
 * or brain mask, voxels > 0) or, by default, the voxels that are non-zero in every channel: the
 * background of skull-stripped images, which would otherwise dominate the statistics.
 */
public final class IntensityNormalizer {
  private IntensityNormalizer() {}

  /** Voxels non-zero (and not NaN) in every channel. */
  public static boolean[] nonZeroMask(Volume volume) {
    boolean[] mask = new boolean[volume.grid().voxelCount()];
    Arrays.fill(mask, true);
    for (float[] ch : volume.channels()) {
      for (int i = 0; i < mask.length; i++) {
        mask[i] &= ch[i] != 0 && !Float.isNaN(ch[i]);
      }
    }
    return mask;
  }

  /** Voxels where {@code labels > 0}. */
  public static boolean[] maskOf(float[] labels) {
    boolean[] mask = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      mask[i] = labels[i] > 0;
    }
    return mask;
  }

  /**
   * Clips each channel to its {@code [lowPercentile, highPercentile]} range inside the mask
   * (percentiles 0..100, linear interpolation between order statistics as numpy does). Applies to
   * all voxels, so outliers outside the mask are clipped too.
   */
  public static Volume clipPercentiles(Volume volume, boolean[] mask, double lowPercentile, double highPercentile) {
    if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
      throw new IllegalArgumentException("need 0 <= low < high <= 100, got " + lowPercentile + ", " + highPercentile);
    }
    Volume out = volume.copy();
    for (float[] ch : out.channels()) {
      float[] inside = masked(ch, mask);
      if (inside.length == 0) {
        continue;
      }
      Arrays.sort(inside);
      float lo = (float) percentileOfSorted(inside, lowPercentile);
      float hi = (float) percentileOfSorted(inside, highPercentile);
      for (int i = 0; i < ch.length; i++) {
        ch[i] = Math.max(lo, Math.min(hi, ch[i]));
      }
    }
    return out;
  }

  /**
   * Z-scores each channel with the mean and standard deviation of the voxels inside the mask;
   * voxels outside the mask are set to 0 (the mean), so the background carries no signal. A
   * channel with zero variance inside the mask is only centred.
   */
  public static Volume zScore(Volume volume, boolean[] mask) {
    Volume out = volume.copy();
    for (float[] ch : out.channels()) {
      double sum = 0;
      long n = 0;
      for (int i = 0; i < ch.length; i++) {
        if (mask[i]) {
          sum += ch[i];
          n++;
        }
      }
      if (n == 0) {
        Arrays.fill(ch, 0f);
        continue;
      }
      double mean = sum / n;
      double ss = 0;
      for (int i = 0; i < ch.length; i++) {
        if (mask[i]) {
          double d = ch[i] - mean;
          ss += d * d;
        }
      }
      double sd = Math.sqrt(ss / n);
      double scale = sd > 0 ? 1 / sd : 1;
      for (int i = 0; i < ch.length; i++) {
        ch[i] = mask[i] ? (float) ((ch[i] - mean) * scale) : 0f;
      }
    }
    return out;
  }

  /** Rescales each channel linearly so its range inside the mask becomes [0, 1]; outside is 0. */
  public static Volume minMax(Volume volume, boolean[] mask) {
    Volume out = volume.copy();
    for (float[] ch : out.channels()) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < ch.length; i++) {
        if (mask[i]) {
          lo = Math.min(lo, ch[i]);
          hi = Math.max(hi, ch[i]);
        }
      }
      double scale = hi > lo ? 1.0 / (hi - lo) : 0;
      for (int i = 0; i < ch.length; i++) {
        ch[i] = mask[i] ? (float) ((ch[i] - lo) * scale) : 0f;
      }
    }
    return out;
  }

  /** numpy's default ("linear") percentile of already sorted values. */
  public static double percentileOfSorted(float[] sorted, double percentile) {
    double pos = percentile / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
  }

  private static float[] masked(float[] ch, boolean[] mask) {
    int n = 0;
    for (boolean m : mask) {
      if (m) {
        n++;
      }
    }
    float[] out = new float[n];
    int j = 0;
    for (int i = 0; i < ch.length; i++) {
      if (mask[i]) {
        out[j++] = ch[i];
      }
    }
    return out;
  }
}
