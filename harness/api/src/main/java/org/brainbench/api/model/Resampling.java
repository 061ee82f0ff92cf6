package org.brainbench.api.model;

/**
 * Resampling of one image axis as a matrix M (out x in, row-major), so a backend resizes a map by
 * two matrix products (M_h x M_w^T): exact, differentiable, and the same arithmetic on every
 * backend. Used by TransSeg's decoder ({@link InflatedVitZhang2022Spec}).
 */
public final class Resampling {
  private Resampling() {}

  /**
   * PyTorch's {@code F.interpolate(mode="bilinear", align_corners=False)} along one axis: output o
   * reads the source position max((o + 0.5) in / out - 0.5, 0) linearly between its two
   * neighbours (the last one repeated at the edge).
   */
  public static float[] bilinear(int in, int out) {
    float[] m = new float[out * in];
    double scale = (double) in / out;
    for (int o = 0; o < out; o++) {
      double src = Math.max((o + 0.5) * scale - 0.5, 0);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double w1 = src - i0;
      m[o * in + i0] += (float) (1 - w1);
      m[o * in + i1] += (float) w1;
    }
    return m;
  }

  /** PyTorch's adaptive average pooling along one axis: output i averages the inputs floor(i in / out) .. ceil((i + 1) in / out) - 1. */
  public static float[] adaptiveAverage(int in, int out) {
    float[] m = new float[out * in];
    for (int o = 0; o < out; o++) {
      int start = (int) Math.floor((double) o * in / out);
      int end = (int) Math.ceil((double) (o + 1) * in / out);
      for (int i = start; i < end; i++) {
        m[o * in + i] = 1f / (end - start);
      }
    }
    return m;
  }
}
