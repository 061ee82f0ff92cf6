package org.brainbench.api.model;

/**
 * A self-supervised pre-training objective, as a stage names it ({@code objective:} in a suite).
 * A spec lists the ones it has ({@link ModelSpec#objectives()}); the first is its default.
 */
public enum Objective implements Choice {
  /**
   * Masked encoding vector prediction (Jun et al., 2021): slice encodings hidden and predicted by the
   * Transformer from the others.
   */
  MASKED_ENCODING,
  /** Triplet pre-pretraining of the slice encoders (Jun et al., 2021, stage 1). */
  TRIPLET,
  /** SimMIM (Xie et al., 2022) on 2D slices: masked patches' pixels predicted. */
  SIMMIM_2D;

  @Override
  public String toString() {
    return id();
  }
}
