package org.brainbench.tasks.volume;

/**
 * Separable Gaussian smoothing with widths in millimetres (converted per axis with the grid's voxel
 * sizes). Near the border the kernel is renormalised over the voxels inside the grid, so smoothing
 * does not darken edges.
 */
public final class GaussianFilter {
  private GaussianFilter() {}

  /** Smooths every channel; a width of 0 leaves that axis alone. */
  public static Volume smooth(Volume volume, double[] sigmaMm) {
    float[][] out = new float[volume.channelCount()][];
    for (int c = 0; c < volume.channelCount(); c++) {
      out[c] = smooth(volume.grid(), volume.channel(c), sigmaMm);
    }
    return new Volume(volume.grid(), out);
  }

  public static float[] smooth(Grid grid, float[] data, double[] sigmaMm) {
    double[] spacing = grid.spacing();
    float[] cur = data.clone();
    float[] tmp = new float[data.length];
    for (int axis = 0; axis < 3; axis++) {
      double sigmaVox = sigmaMm[axis] / spacing[axis];
      if (sigmaVox < 1e-3) {
        continue;
      }
      pass(grid, cur, tmp, axis, kernel(sigmaVox));
      float[] swap = cur;
      cur = tmp;
      tmp = swap;
    }
    return cur;
  }

  static float[] kernel(double sigma) {
    int radius = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * radius + 1];
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
    }
    return k;
  }

  private static void pass(Grid g, float[] src, float[] dst, int axis, float[] k) {
    int radius = k.length / 2;
    int n = g.size(axis);
    int stride = axis == 0 ? 1 : axis == 1 ? g.nx() : g.nx() * g.ny();
    int[] dims = g.shape();
    int a1 = axis == 0 ? 1 : 0;
    int a2 = axis == 2 ? 1 : 2;
    int s1 = a1 == 0 ? 1 : g.nx();
    int s2 = a2 == 1 ? g.nx() : g.nx() * g.ny();
    float[] line = new float[n];
    for (int q = 0; q < dims[a2]; q++) {
      for (int p = 0; p < dims[a1]; p++) {
        int base = p * s1 + q * s2;
        for (int i = 0; i < n; i++) {
          line[i] = src[base + i * stride];
        }
        for (int i = 0; i < n; i++) {
          int lo = Math.max(0, i - radius);
          int hi = Math.min(n - 1, i + radius);
          double sum = 0;
          double wsum = 0;
          for (int j = lo; j <= hi; j++) {
            float w = k[j - i + radius];
            sum += w * line[j];
            wsum += w;
          }
          dst[base + i * stride] = (float) (sum / wsum);
        }
      }
    }
  }
}
