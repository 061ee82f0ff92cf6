package org.brainbench.api.model;

/** How the slice-set network ({@link SliceCnnGupta2021Spec}) combines its slice embeddings into one. */
public enum SliceSetAggregation implements Choice {
  /**
   * The authors' {@code PooledAttention}: a learned query attends over the slices with multi-head
   * key and value projections; LayerNorm and a linear layer on the result; no residual.
   */
  POOLED_ATTENTION,
  /** Gated attention (Ilse et al., 2018): a softmax over slices of {@code w · tanh(V h + b)}. */
  GATED_ATTENTION,
  MEAN,
  MAX;

  @Override
  public String toString() {
    return id();
  }
}
