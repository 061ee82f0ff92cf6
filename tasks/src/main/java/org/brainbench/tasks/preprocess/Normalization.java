package org.brainbench.tasks.preprocess;

import java.util.Locale;

/** Intensity normalisation of image channels, computed inside the brain mask. */
public enum Normalization {
  NONE,
  /** (v - mean) / sd inside the mask; 0 outside. */
  ZSCORE,
  /** (v - min) / (max - min) inside the mask; 0 outside. */
  MINMAX;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Normalization fromId(String id) {
    for (Normalization n : values()) {
      if (n.id().equals(id)) {
        return n;
      }
    }
    return null;
  }
}
