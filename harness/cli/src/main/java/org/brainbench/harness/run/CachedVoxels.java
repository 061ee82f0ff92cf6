package org.brainbench.harness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.preprocess.ScanLoader;
import org.brainbench.tasks.volume.Volume;

/**
 * A scan's voxels read from the preprocessing cache whenever they are needed: one bulk read per
 * channel, its checksum checked; an entry found missing or damaged is computed again from the
 * scan's files. Nothing is kept between reads.
 *
 * @param labels the task's labels, in class order, for segmentation; null otherwise
 */
record CachedVoxels(Scan scan, ScanLoader loader, List<Integer> labels) implements Sample.Voxels {
  @Override
  public float[][] channels() {
    try {
      return loader.image(scan).channels();
    } catch (IOException e) {
      throw new UncheckedIOException(scan.images().get(0) + ": could not be read back from the preprocessing cache", e);
    }
  }

  @Override
  public byte[] classes() {
    if (labels == null) {
      return null;
    }
    try {
      return classes(loader.mask(scan), labels, scan);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Label values to class indices: 0 stays background, the task's i-th label becomes i+1. */
  static byte[] classes(Volume mask, List<Integer> labels, Scan scan) throws IOException {
    float[] m = mask.channel(0);
    byte[] out = new byte[m.length];
    for (int i = 0; i < m.length; i++) {
      int v = Math.round(m[i]);
      if (v != 0) {
        int k = labels.indexOf(v);
        if (k < 0) {
          throw new IOException(scan.mask() + ": label " + v + " is not in the task's labels " + labels);
        }
        out[i] = (byte) (k + 1);
      }
    }
    return out;
  }
}
