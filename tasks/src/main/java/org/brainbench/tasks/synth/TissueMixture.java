package org.brainbench.tasks.synth;

/**
 * Splits a skull-stripped T1 image into CSF, grey and white matter fractions: k-means on the brain
 * voxels' intensities (started at the 5th, 40th and 85th percentiles), then soft memberships from
 * one Gaussian per class. Voxels darker than the CSF mean are a mix of CSF and background (the
 * brain's edge): their brain fraction is intensity / CSF mean.
 */
final class TissueMixture {
  private TissueMixture() {}

  /**
   * The CSF, GM and WM mean intensities, then their standard deviations. Fitted on voxels brighter
   * than a fifth of the 99th percentile: darker ones are mostly background at the brain's edge.
   */
  static double[] fit(float[] t1) {
    float[] nonZero = select(t1, 0);
    java.util.Arrays.sort(nonZero);
    float floor = 0.2f * nonZero[(int) (0.99 * (nonZero.length - 1))];
    float[] brain = select(t1, floor);
    int n = brain.length;
    float[] sorted = brain.clone();
    java.util.Arrays.sort(sorted);
    double[] mean = {sorted[(int) (0.05 * (n - 1))], sorted[(int) (0.40 * (n - 1))], sorted[(int) (0.85 * (n - 1))]};
    double[] sd = new double[3];
    for (int it = 0; it < 50; it++) {
      double[] sum = new double[3];
      double[] sumSq = new double[3];
      long[] count = new long[3];
      for (float v : brain) {
        int best = nearest(v, mean);
        sum[best] += v;
        sumSq[best] += (double) v * v;
        count[best]++;
      }
      for (int c = 0; c < 3; c++) {
        if (count[c] > 0) {
          mean[c] = sum[c] / count[c];
          sd[c] = Math.sqrt(Math.max(1e-6, sumSq[c] / count[c] - mean[c] * mean[c]));
        }
      }
    }
    return new double[] {mean[0], mean[1], mean[2], sd[0], sd[1], sd[2]};
  }

  /** {csf, gm, wm} fractions per voxel. */
  static float[][] fractions(float[] t1, double[] model) {
    float[][] out = new float[3][t1.length];
    for (int i = 0; i < t1.length; i++) {
      float v = t1[i];
      if (v <= 0) {
        continue;
      }
      if (v <= model[0]) {
        out[0][i] = (float) (v / model[0]);
        continue;
      }
      double[] p = new double[3];
      double total = 0;
      for (int c = 0; c < 3; c++) {
        double z = (v - model[c]) / model[3 + c];
        p[c] = Math.exp(-0.5 * z * z) / model[3 + c];
        total += p[c];
      }
      if (total < 1e-30) {
        out[v > model[2] ? 2 : 0][i] = 1f;
        continue;
      }
      for (int c = 0; c < 3; c++) {
        out[c][i] = (float) (p[c] / total);
      }
    }
    return out;
  }

  private static float[] select(float[] values, float above) {
    int n = 0;
    for (float v : values) {
      if (v > above) {
        n++;
      }
    }
    float[] out = new float[n];
    int j = 0;
    for (float v : values) {
      if (v > above) {
        out[j++] = v;
      }
    }
    return out;
  }

  private static int nearest(float v, double[] mean) {
    int best = 0;
    for (int c = 1; c < 3; c++) {
      if (Math.abs(v - mean[c]) < Math.abs(v - mean[best])) {
        best = c;
      }
    }
    return best;
  }
}
