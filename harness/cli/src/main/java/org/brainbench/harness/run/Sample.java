package org.brainbench.harness.run;

import org.brainbench.tasks.dataset.Scan;

/**
 * A preprocessed scan in memory: its channels (z-y-x order, x fastest) and, for segmentation, its
 * label map as class indices (0 background, 1..n the task's labels in order).
 */
public record Sample(Scan scan, float[][] channels, byte[] classes) {
  public String id() {
    return scan.scanId();
  }
}
