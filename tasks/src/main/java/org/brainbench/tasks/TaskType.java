package org.brainbench.tasks;

import java.util.Locale;

/** The kinds of task brainbench runs, with the ids used in suites, manifests and results. */
public enum TaskType {
  /** Brain disease diagnosis: one class per scan. */
  CLASSIFY,
  /** Brain age prediction: one number per scan. */
  REGRESS,
  /** Tumour segmentation: one label per voxel. */
  SEGMENT,
  /** Self-supervised pre-training on unlabelled scans. */
  PRETRAIN;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The task type with this id, or null. */
  public static TaskType fromId(String id) {
    for (TaskType t : values()) {
      if (t.id().equals(id)) {
        return t;
      }
    }
    return null;
  }
}
