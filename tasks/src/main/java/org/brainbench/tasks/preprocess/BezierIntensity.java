package org.brainbench.tasks.preprocess;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * A random monotone intensity curve on [0, 1] (Models Genesis' non-linear transformation, as the
 * Medical Transformer's authors apply it for their triplet objective's positives): a cubic Bézier
 * curve through (0, 0), p1, p2, (1, 1), sampled at 100,000 points and applied by linear interpolation,
 * or the same curve inverted (0 to 1, 1 to 0). Values outside [0, 1] map to the ends. Computed in
 * double precision like numpy's {@code interp}, rounded to float.
 *
 * @param inverted whether the curve decreases (the authors' "flip", drawn half the time)
 */
public record BezierIntensity(double p1x, double p1y, double p2x, double p2y, boolean inverted) {
  private static final int POINTS = 100_000;

  /** A curve from five uniform [0, 1) draws in the authors' order: p1.x, p1.y, p2.x, p2.y, then inverted when the fifth is below 0.5. */
  public static BezierIntensity draw(DoubleSupplier uniform) {
    double a = uniform.getAsDouble();
    double b = uniform.getAsDouble();
    double c = uniform.getAsDouble();
    double d = uniform.getAsDouble();
    return new BezierIntensity(a, b, c, d, uniform.getAsDouble() < 0.5);
  }

  /** The curve sampled for interpolation: ascending x and the values there. */
  public Table table() {
    double[] xs = new double[POINTS];
    double[] ys = new double[POINTS];
    for (int k = 0; k < POINTS; k++) {
      double t = (double) k / (POINTS - 1);
      double u = 1 - t;
      // Bernstein weights of the authors, reversed: t = 0 gives (1, 1), t = 1 gives (0, 0)
      double w1 = 3 * t * t * u;
      double w2 = 3 * t * u * u;
      double w3 = u * u * u;
      xs[k] = p1x * w1 + p2x * w2 + w3;
      ys[k] = p1y * w1 + p2y * w2 + w3;
    }
    double[] xp = xs.clone();
    Arrays.sort(xp);
    double[] fp = inverted ? ys : ys.clone();
    if (!inverted) {
      Arrays.sort(fp);
    }
    return new Table(xp, fp);
  }

  /** Ascending sample positions and the values there, applied as numpy's {@code interp} does. */
  public record Table(double[] xp, double[] fp) {
    public float apply(float value) {
      double x = value;
      int last = xp.length - 1;
      if (!(x > xp[0])) {
        return (float) fp[0]; // at or below the first sample (and NaN) as numpy: its value
      }
      if (x >= xp[last]) {
        return (float) fp[last];
      }
      int lo = 0;
      int hi = last;
      while (hi - lo > 1) { // xp[lo] <= x < xp[hi]
        int mid = (lo + hi) >>> 1;
        if (xp[mid] <= x) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      if (x == xp[lo]) {
        return (float) fp[lo];
      }
      double slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo]);
      double y = slope * (x - xp[lo]) + fp[lo];
      if (Double.isNaN(y)) {
        y = slope * (x - xp[lo + 1]) + fp[lo + 1];
        if (Double.isNaN(y) && fp[lo] == fp[lo + 1]) {
          y = fp[lo];
        }
      }
      return (float) y;
    }

    /** A new array: every value through the curve. */
    public float[] apply(float[] values) {
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = apply(values[i]);
      }
      return out;
    }
  }
}
