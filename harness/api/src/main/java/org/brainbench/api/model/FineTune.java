package org.brainbench.api.model;

import java.util.Locale;

/**
 * Which parameters train when a (pre-trained) model is fine-tuned: all of them; all but the encoder
 * (the slice or patch encoder stays as pre-trained); or only the task head.
 */
public enum FineTune {
  FULL,
  FROZEN_ENCODER,
  HEAD_ONLY;

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
