package org.brainbench.api.model;

import java.util.Locale;

/**
 * Which parameters train when a (pre-trained) model is fine-tuned: all of them; all but the encoder
 * (the slice or patch encoder stays as pre-trained); only the task head; or, for a linear probe,
 * nothing by gradient: a linear model fitted on the frozen model's embeddings becomes its head.
 */
public enum FineTune {
  FULL,
  FROZEN_ENCODER,
  HEAD_ONLY,
  /** Everything frozen; logistic or ridge regression on the embeddings, fitted in closed form or by convex optimisation, is the head. */
  LINEAR_PROBE;

  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static FineTune fromId(String id) {
    for (FineTune f : values()) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }
}
