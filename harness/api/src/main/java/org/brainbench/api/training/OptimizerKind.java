package org.brainbench.api.training;

import java.util.Locale;

/** Optimisers every backend provides. */
public enum OptimizerKind {
  /** Adam with decoupled weight decay (Loshchilov and Hutter). */
  ADAMW,
  /**
   * Adam with L2 weight decay: the decay is added to the gradient before the moments, as PyTorch's
   * {@code torch.optim.Adam(weight_decay=...)} (the Medical Transformer's authors' optimiser).
   */
  ADAM,
  /** Stochastic gradient descent with momentum (and L2 weight decay). */
  SGD;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OptimizerKind fromId(String id) {
    for (OptimizerKind k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    return null;
  }
}
