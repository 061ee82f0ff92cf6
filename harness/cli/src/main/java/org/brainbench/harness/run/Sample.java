package org.brainbench.harness.run;

import org.brainbench.tasks.dataset.Scan;

/**
 * A preprocessed scan: its channels (z-y-x order, x fastest) and, for segmentation, its label map
 * as class indices (0 background, 1..n the task's labels in order). A run's samples read their
 * voxels from the preprocessing cache each time they are used ({@link CachedVoxels}), so memory
 * does not grow with the dataset; scans given on the command line are held in memory.
 */
public record Sample(Scan scan, Voxels voxels) {
  /** Where a sample's voxels come from. Implementations are safe to call from several threads. */
  public interface Voxels {
    float[][] channels();

    /** The label map as class indices, or null when the scan has none. */
    byte[] classes();
  }

  /** Voxels held in memory. */
  record InMemory(float[][] channels, byte[] classes) implements Voxels {}

  public static Sample inMemory(Scan scan, float[][] channels, byte[] classes) {
    return new Sample(scan, new InMemory(channels, classes));
  }

  public String id() {
    return scan.scanId();
  }

  /** The image channels: read from the cache each call, unless held in memory. */
  public float[][] channels() {
    return voxels.channels();
  }

  /** The label map as class indices, or null: read from the cache each call, unless held in memory. */
  public byte[] classes() {
    return voxels.classes();
  }
}
