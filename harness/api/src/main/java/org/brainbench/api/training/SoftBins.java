package org.brainbench.api.training;

import org.apache.commons.math3.special.Erf;

/**
 * Regression as soft classification (Peng et al., 2021): the target range [start, start + count x
 * width) is cut into {@code count} bins; a target a becomes the soft label y_k = Phi((e_k+1 - a) /
 * sigma) - Phi((e_k - a) / sigma) over bin k's edges (computed in double precision as the authors'
 * {@code num2vect} does with scipy, and not renormalised: a target near or outside the range has
 * labels summing to less than 1); the model outputs one logit per bin; the loss is the KL divergence
 * sum(y' (ln y' - log softmax)) / B with y' = y + 1e-16; the prediction is the expectation of the
 * bin centres under the softmax. Targets are in the task's own units (years), not standardised.
 */
public record SoftBins(double start, double width, int count, double sigma) {
  /** Added to every soft label before the KL, as the authors' {@code my_KLDivLoss} does. */
  public static final float EPSILON = 1e-16f;

  public SoftBins {
    if (!(width > 0) || count < 2 || !(sigma >= 0)) {
      throw new IllegalArgumentException("soft bins need a positive width, at least 2 bins and sigma >= 0, got width " + width + ", " + count
          + " bins, sigma " + sigma);
    }
  }

  /** Bins of {@code width} covering [start, end), which must be a whole number of bins. */
  public static SoftBins over(double start, double end, double width, double sigma) {
    double n = (end - start) / width;
    if (Math.abs(n - Math.rint(n)) > 1e-9 || n < 2) {
      throw new IllegalArgumentException("the bin range [" + start + ", " + end + "] is not a whole number (>= 2) of bins of width " + width);
    }
    return new SoftBins(start, width, (int) Math.rint(n), sigma);
  }

  public double end() {
    return start + count * width;
  }

  /** The bin centres start + width / 2 + k width. */
  public float[] centres() {
    float[] c = new float[count];
    for (int k = 0; k < count; k++) {
      c[k] = (float) (start + width / 2 + k * width);
    }
    return c;
  }

  /** One target's soft labels (float32, as the authors' tensors are). */
  public float[] labels(double target) {
    float[] y = new float[count];
    for (int k = 0; k < count; k++) {
      double lo = start + k * width;
      if (sigma == 0) {
        y[k] = Math.floor((target - start) / width) == k ? 1f : 0f;
      } else {
        y[k] = (float) (phi((lo + width - target) / sigma) - phi((lo - target) / sigma));
      }
    }
    return y;
  }

  /** Soft labels of a batch of targets, row-major (B, count). */
  public float[] labels(float[] targets) {
    float[] out = new float[targets.length * count];
    for (int i = 0; i < targets.length; i++) {
      System.arraycopy(labels(targets[i]), 0, out, i * count, count);
    }
    return out;
  }

  private static double phi(double z) {
    return 0.5 * Erf.erfc(-z / Math.sqrt(2));
  }
}
