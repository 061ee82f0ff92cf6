package org.brainbench.api.model;

/** How the 2D-slice CNN combines its slice embeddings into one. */
public enum Aggregation implements Choice {
  MEAN,
  MAX,
  /** Gated attention (Ilse et al., 2018): a softmax over slices of {@code w · tanh(V h + b)}. */
  ATTENTION;

  @Override
  public String toString() {
    return id();
  }
}
