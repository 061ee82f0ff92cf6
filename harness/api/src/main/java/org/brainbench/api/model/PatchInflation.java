package org.brainbench.api.model;

/** How a 2D patch-embedding kernel becomes a 3D one. */
public enum PatchInflation implements Choice {
  /** The 2D kernel at the middle depth slice, zeros elsewhere. */
  CENTERING,
  /** The 2D kernel repeated over depth and divided by it. */
  AVERAGING;

  @Override
  public String toString() {
    return id();
  }
}
