package org.brainbench.harness.result;

import java.util.Locale;

/** A row's status: {@code running} while a cell is being filled in, then {@code ok} or {@code failed}. */
public enum Status {
  RUNNING,
  OK,
  FAILED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status of this id, or null. */
  public static Status fromId(String id) {
    for (Status s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return null;
  }
}
