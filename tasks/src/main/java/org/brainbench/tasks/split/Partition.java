package org.brainbench.tasks.split;

import java.util.Locale;

/** Where a subject goes in one split. */
public enum Partition {
  TRAIN,
  VALIDATION,
  TEST,
  /** A training subject left out by a label fraction: its labels are not used. */
  UNUSED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Partition fromId(String id) {
    for (Partition p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    return null;
  }
}
