package org.brainbench.tasks.preprocess;

import java.util.Arrays;

/**
 * What happens to a scan between disk and model, in this order: reorientation to the nearest RAS+
 * orientation; resampling in world space to voxel sizes {@code spacing} or to {@code shape} over
 * the same field of view (at most one of the two; trilinear for images, nearest for label maps);
 * centred crop or pad to {@code cropPad}; for images, percentile clipping and normalisation inside
 * the brain mask (voxels non-zero in every channel).
 *
 * @param spacing target voxel sizes in mm, or null
 * @param shape target grid size, or null
 * @param cropPad final grid size after resampling, or null
 * @param clipPercentiles {low, high} in 0..100, or null for no clipping
 * @param cacheDtype how the cache stores the preprocessed images (float16 rounds them, so it is part
 *     of the key: what the model sees depends on it)
 */
public record PreprocessSpec(
    boolean reorient, double[] spacing, int[] shape, int[] cropPad, double[] clipPercentiles, Normalization normalization, CacheDtype cacheDtype) {

  /** Bumped whenever preprocessing code changes what it produces, so old cache entries are not reused. */
  public static final int VERSION = 1;

  /** Stored as float32, exactly as computed. */
  public PreprocessSpec(boolean reorient, double[] spacing, int[] shape, int[] cropPad, double[] clipPercentiles, Normalization normalization) {
    this(reorient, spacing, shape, cropPad, clipPercentiles, normalization, CacheDtype.FLOAT32);
  }

  public PreprocessSpec {
    if (spacing != null && shape != null) {
      throw new IllegalArgumentException("give either spacing or shape, not both");
    }
    if (spacing != null && (spacing.length != 3 || Arrays.stream(spacing).anyMatch(s -> !(s > 0)))) {
      throw new IllegalArgumentException("spacing must be 3 values > 0, got " + Arrays.toString(spacing));
    }
    if (shape != null && (shape.length != 3 || Arrays.stream(shape).anyMatch(s -> s < 1))) {
      throw new IllegalArgumentException("shape must be 3 values >= 1, got " + Arrays.toString(shape));
    }
    if (cropPad != null && (cropPad.length != 3 || Arrays.stream(cropPad).anyMatch(s -> s < 1))) {
      throw new IllegalArgumentException("cropPad must be 3 values >= 1, got " + Arrays.toString(cropPad));
    }
    if (clipPercentiles != null && (clipPercentiles.length != 2 || !(clipPercentiles[0] >= 0
        && clipPercentiles[0] < clipPercentiles[1] && clipPercentiles[1] <= 100))) {
      throw new IllegalArgumentException("clip percentiles must be {low, high} with 0 <= low < high <= 100, got " + Arrays.toString(clipPercentiles));
    }
    if (normalization == null) {
      normalization = Normalization.ZSCORE;
    }
    if (cacheDtype == null) {
      cacheDtype = CacheDtype.FLOAT32;
    }
    spacing = spacing == null ? null : spacing.clone();
    shape = shape == null ? null : shape.clone();
    cropPad = cropPad == null ? null : cropPad.clone();
    clipPercentiles = clipPercentiles == null ? null : clipPercentiles.clone();
  }

  /** Reorient, resample to {@code shape}, clip to the 0.5-99.5 percentiles, z-score. */
  public static PreprocessSpec toShape(int... shape) {
    return new PreprocessSpec(true, null, shape, null, new double[] {0.5, 99.5}, Normalization.ZSCORE);
  }

  /** The same preprocessing, its images stored in the cache as {@code dtype}. */
  public PreprocessSpec withCacheDtype(CacheDtype dtype) {
    return new PreprocessSpec(reorient, spacing, shape, cropPad, clipPercentiles, normalization, dtype);
  }

  /**
   * A canonical text of every setting: equal texts, equal preprocessing (the cache key). float32
   * storage adds nothing, so keys (and results' configuration hashes) from before float16 existed
   * stay as they were.
   */
  public String key() {
    return "preprocess/v" + VERSION
        + ";reorient=" + reorient
        + ";spacing=" + Arrays.toString(spacing)
        + ";shape=" + Arrays.toString(shape)
        + ";cropPad=" + Arrays.toString(cropPad)
        + ";clip=" + Arrays.toString(clipPercentiles)
        + ";normalize=" + normalization.id()
        + (cacheDtype == CacheDtype.FLOAT32 ? "" : ";cacheDtype=" + cacheDtype.id());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessSpec p && key().equals(p.key());
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  @Override
  public String toString() {
    return key();
  }
}
