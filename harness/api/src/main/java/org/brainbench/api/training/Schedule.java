package org.brainbench.api.training;

import java.util.Locale;

/** How the learning rate moves after the linear warm-up. */
public enum Schedule {
  /** Cosine decay to 0 at the last step (brainbench's default). */
  COSINE,
  /**
   * Multiplied by {@code stepGamma} every {@code stepEpochs} epochs, as PyTorch's {@code StepLR}
   * stepped once per epoch (the Medical Transformer's authors: gamma 0.99 every epoch).
   */
  STEP,
  /** Linear decay to 0 at the last step (the TransSeg authors' schedule after their warm-up). */
  LINEAR;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Schedule fromId(String id) {
    for (Schedule s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
