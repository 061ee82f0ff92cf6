package org.brainbench.tasks.preprocess;

/**
 * Seeded training-time augmentation, applied by the harness to each training volume (and its label
 * map) before it reaches the backend.
 *
 * @param flip probability of mirroring left-right (brains are nearly symmetric)
 * @param rotateDegrees largest rotation about each axis (small affine)
 * @param scale largest relative zoom, e.g. 0.1 for +-10%
 * @param intensity sd of a random intensity scale and shift (z-scored images)
 */
public record Augmentation(double flip, double rotateDegrees, double scale, double intensity) {
  public Augmentation {
    if (!(flip >= 0 && flip <= 1)) {
      throw new IllegalArgumentException("flip must be a probability, got " + flip);
    }
    if (!(rotateDegrees >= 0 && rotateDegrees <= 45)) {
      throw new IllegalArgumentException("rotateDegrees must be in [0, 45], got " + rotateDegrees);
    }
    if (!(scale >= 0 && scale < 0.5)) {
      throw new IllegalArgumentException("scale must be in [0, 0.5), got " + scale);
    }
    if (!(intensity >= 0 && intensity <= 1)) {
      throw new IllegalArgumentException("intensity must be in [0, 1], got " + intensity);
    }
  }

  public static Augmentation none() {
    return new Augmentation(0, 0, 0, 0);
  }

  public boolean isNone() {
    return flip == 0 && rotateDegrees == 0 && scale == 0 && intensity == 0;
  }
}
