package org.brainbench.api.training;

import java.util.Locale;

/** Loss on the standardised regression target. */
public enum RegressionLoss {
  L1,
  MSE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RegressionLoss fromId(String id) {
    for (RegressionLoss k : values()) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    return null;
  }
}
