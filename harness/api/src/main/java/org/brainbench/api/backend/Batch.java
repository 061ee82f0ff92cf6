package org.brainbench.api.backend;

import java.util.Arrays;
import org.brainbench.api.model.TaskHead;

/**
 * A batch in the layout every backend takes: images N x C x D x H x W (float32, W fastest, which is
 * the NIfTI order of a volume's channel: D = z, H = y, W = x), and the targets of the task: a class
 * index per sample, a standardised value per sample, or a class index per voxel (N x D x H x W).
 */
public record Batch(int size, TaskHead head, float[] images, int[] classes, float[] values, byte[] voxelClasses, Draws draws) {
  /**
   * Random draws a pre-training objective would otherwise make itself, fixed by the caller: to
   * reproduce a reference computation (the authors' code on given indices and curves) or to test.
   * The harness never sets them.
   *
   * @param maskedSlices per view (by view id), the slice indices masked for the whole batch
   * @param intensityCurves per view, the control points (p1x, p1y, p2x, p2y) and whether the curve is
   *     inverted (1) or not (0), for the triplet objective's positives
   */
  public record Draws(java.util.Map<String, int[]> maskedSlices, java.util.Map<String, double[]> intensityCurves) {
    public Draws {
      maskedSlices = maskedSlices == null ? java.util.Map.of() : java.util.Map.copyOf(maskedSlices);
      intensityCurves = intensityCurves == null ? java.util.Map.of() : java.util.Map.copyOf(intensityCurves);
    }
  }

  public Batch(int size, TaskHead head, float[] images, int[] classes, float[] values, byte[] voxelClasses) {
    this(size, head, images, classes, values, voxelClasses, null);
  }

  /** The same batch with these draws. */
  public Batch withDraws(Draws d) {
    return new Batch(size, head, images, classes, values, voxelClasses, d);
  }

  public Batch {
    long expected = (long) size * head.inputChannels() * head.voxels();
    if (size < 1 || images.length != expected) {
      throw new IllegalArgumentException("batch of " + size + " for " + head + " needs " + expected + " image values, got " + images.length);
    }
    if (classes != null && classes.length != size) {
      throw new IllegalArgumentException("need " + size + " class targets, got " + classes.length);
    }
    if (values != null && values.length != size) {
      throw new IllegalArgumentException("need " + size + " value targets, got " + values.length);
    }
    if (voxelClasses != null && voxelClasses.length != (long) size * head.voxels()) {
      throw new IllegalArgumentException("need " + (long) size * head.voxels() + " voxel targets, got " + voxelClasses.length);
    }
  }

  /** A batch's values flattened sample after sample, split into one row per sample. */
  public static float[][] perSample(float[] flat, int samples) {
    int per = flat.length / samples;
    float[][] out = new float[samples][];
    for (int i = 0; i < samples; i++) {
      out[i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
    }
    return out;
  }

  /** A batch without targets, for prediction. */
  public static Batch inputs(int size, TaskHead head, float[] images) {
    return new Batch(size, head, images, null, null, null);
  }

  public boolean hasTargets() {
    return classes != null || values != null || voxelClasses != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Batch b && size == b.size && head.equals(b.head) && Arrays.equals(images, b.images)
        && Arrays.equals(classes, b.classes) && Arrays.equals(values, b.values) && Arrays.equals(voxelClasses, b.voxelClasses);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(images);
  }

  @Override
  public String toString() {
    return "Batch[" + size + " x " + head + "]";
  }
}
