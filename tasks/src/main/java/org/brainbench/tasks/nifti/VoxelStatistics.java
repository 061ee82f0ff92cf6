package org.brainbench.tasks.nifti;

/**
 * Summary of an image's scaled voxel values, NaN excluded. {@code min}, {@code max} and {@code
 * mean} are NaN when every voxel is NaN.
 */
public record VoxelStatistics(long count, long nanCount, double min, double max, double mean) {

  /** Accumulates values one chunk at a time. */
  static final class Accumulator {
    private long count;
    private long nanCount;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private double compensation;
    private boolean positiveInfinity;
    private boolean negativeInfinity;

    void add(double[] values, int n) {
      for (int i = 0; i < n; i++) {
        double v = values[i];
        if (Double.isNaN(v)) {
          nanCount++;
          continue;
        }
        count++;
        if (v < min) {
          min = v;
        }
        if (v > max) {
          max = v;
        }
        if (Double.isInfinite(v)) {
          positiveInfinity |= v > 0;
          negativeInfinity |= v < 0;
          continue;
        }
        // Kahan summation: the mean of 10^7 voxels stays exact to float64 rounding
        double y = v - compensation;
        double t = sum + y;
        compensation = (t - sum) - y;
        sum = t;
      }
    }

    VoxelStatistics result() {
      if (count == 0) {
        return new VoxelStatistics(0, nanCount, Double.NaN, Double.NaN, Double.NaN);
      }
      double mean = sum / count;
      if (positiveInfinity || negativeInfinity) {
        mean = positiveInfinity && negativeInfinity ? Double.NaN : positiveInfinity ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      }
      return new VoxelStatistics(count, nanCount, min, max, mean);
    }
  }
}
