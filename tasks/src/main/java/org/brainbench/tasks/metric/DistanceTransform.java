package org.brainbench.tasks.metric;

import java.util.Arrays;

/**
 * Exact Euclidean distance transform with anisotropic voxel sizes (Felzenszwalb and Huttenlocher's
 * separable lower-envelope algorithm, 2012): for every voxel, the squared distance in mm to the
 * nearest feature voxel. Linear in the number of voxels.
 */
public final class DistanceTransform {
  private DistanceTransform() {}

  /**
   * @param feature voxels to measure distances to, NIfTI order (x fastest)
   * @param shape {nx, ny, nz}
   * @param spacing voxel sizes in mm
   * @return squared distances in mm²; +infinity everywhere when there is no feature voxel
   */
  public static double[] squaredDistances(boolean[] feature, int[] shape, double[] spacing) {
    int n = feature.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
    }
    int[] stride = {1, shape[0], shape[0] * shape[1]};
    for (int axis = 0; axis < 3; axis++) {
      int len = shape[axis];
      double[] f = new double[len];
      double[] out = new double[len];
      double[] z = new double[len + 1];
      int[] v = new int[len];
      int a1 = axis == 0 ? 1 : 0;
      int a2 = axis == 2 ? 1 : 2;
      for (int q2 = 0; q2 < shape[a2]; q2++) {
        for (int q1 = 0; q1 < shape[a1]; q1++) {
          int base = q1 * stride[a1] + q2 * stride[a2];
          for (int i = 0; i < len; i++) {
            f[i] = d[base + i * stride[axis]];
          }
          envelope(f, len, spacing[axis], out, z, v);
          for (int i = 0; i < len; i++) {
            d[base + i * stride[axis]] = out[i];
          }
        }
      }
    }
    return d;
  }

  /** 1D squared distance transform of sampled function f at positions i*s. */
  private static void envelope(double[] f, int n, double s, double[] out, double[] z, int[] v) {
    int k = -1;
    for (int q = 0; q < n; q++) {
      if (f[q] == Double.POSITIVE_INFINITY) {
        continue;
      }
      double xq = q * s;
      while (k >= 0) {
        double xv = v[k] * s;
        double intersection = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2 * (xq - xv));
        if (intersection <= z[k]) {
          k--;
        } else {
          k++;
          v[k] = q;
          z[k] = intersection;
          z[k + 1] = Double.POSITIVE_INFINITY;
          break;
        }
      }
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
      }
    }
    if (k < 0) {
      Arrays.fill(out, 0, n, Double.POSITIVE_INFINITY);
      return;
    }
    int j = 0;
    for (int q = 0; q < n; q++) {
      double x = q * s;
      while (z[j + 1] < x) {
        j++;
      }
      double dx = x - v[j] * s;
      out[q] = dx * dx + f[v[j]];
    }
  }
}
