package org.brainbench.tasks.preprocess;

import java.util.Arrays;

/**
 * How the preprocessing cache stores voxels: float32 exactly as computed, or float16 (IEEE 754
 * half precision, rounded to nearest even), half the disk and the reading per scan. Images only:
 * label maps always keep float32, so a label is never rounded.
 */
public enum CacheDtype {
  FLOAT32("float32", 4),
  FLOAT16("float16", 2);

  private final String id;
  private final int bytes;

  CacheDtype(String id, int bytes) {
    this.id = id;
    this.bytes = bytes;
  }

  /** As suites spell it. */
  public String id() {
    return id;
  }

  /** Bytes per stored voxel. */
  public int bytes() {
    return bytes;
  }

  public static CacheDtype fromId(String id) {
    return Arrays.stream(values()).filter(d -> d.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown cache dtype \"" + id + "\" (float32, float16)"));
  }

  /** The dtype whose bytes-per-voxel code a cache file's header holds, or null for none. */
  static CacheDtype ofBytes(int bytes) {
    return Arrays.stream(values()).filter(d -> d.bytes == bytes).findFirst().orElse(null);
  }
}
