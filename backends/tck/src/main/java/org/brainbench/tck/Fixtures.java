package org.brainbench.tck;

import java.util.SplittableRandom;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.weights.Tensor;

/**
 * The contract's batches. Random batches are {@link Parity#batch}'s (the ones {@code parity} and the
 * benchmarks use); the learnable ones are problems any model of brainbench solves in a few steps.
 */
public final class Fixtures {
  private Fixtures() {}

  public static int[] cube(int size) {
    return new int[] {size, size, size};
  }

  /** Standard-normal images with targets of the head's kind. */
  public static Batch random(TaskHead head, int n, long seed) {
    return Parity.batch(head, n, seed, true);
  }

  /** Standard-normal images without targets. */
  public static Batch inputs(TaskHead head, int n, long seed) {
    return Parity.batch(head, n, seed, false);
  }

  /** Uniform images in [0, 1) without targets: min-max normalised scans, as the authors' objectives take them. */
  public static Batch unitInterval(TaskHead head, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * head.inputChannels() * head.voxels()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble();
    }
    return Batch.inputs(n, head, x);
  }

  /** Two classes; class 1 volumes are brighter (mean +1 against -1, noise sd 0.5); classes alternate. */
  public static Batch separable(TaskHead head, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int v = head.inputChannels() * head.voxels();
    float[] x = new float[n * v];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < v; j++) {
        x[i * v + j] = (float) (r.nextGaussian() * 0.5 + (y[i] == 1 ? 1 : -1));
      }
    }
    return new Batch(n, head, x, y, null, null);
  }

  /** A voxel map whose foreground (30% of voxels, class 1) is bright and background dark: learnable voxel by voxel. */
  public static Batch brightForeground(TaskHead head, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int v = head.voxels();
    float[] x = new float[n * head.inputChannels() * v];
    byte[] y = new byte[n * v];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < v; j++) {
        byte label = (byte) (r.nextDouble() < 0.3 ? 1 : 0);
        y[i * v + j] = label;
        for (int c = 0; c < head.inputChannels(); c++) {
          x[(i * head.inputChannels() + c) * v + j] = label == 1 ? 2f : -1f;
        }
      }
    }
    return new Batch(n, head, x, null, null, y);
  }

  /** Smooth volumes (sums of sines over the grid, shifted per sample): a masked token or patch is predictable from its neighbours. */
  public static Batch smooth(TaskHead head, int n) {
    int[] s = head.inputShape();
    int v = head.voxels();
    float[] x = new float[n * head.inputChannels() * v];
    for (int i = 0; i < x.length; i++) {
      int voxel = i % v;
      int sample = i / (head.inputChannels() * v);
      int xi = voxel % s[2];
      int yi = voxel / s[2] % s[1];
      int zi = voxel / (s[1] * s[2]);
      x[i] = (float) (Math.sin(xi * 0.7 + zi) + Math.cos(yi * 0.5) + 0.5 * sample);
    }
    return Batch.inputs(n, head, x);
  }

  /** The named weight's values (every parameter and buffer is exported under its neutral name). */
  public static float[] weight(Model m, String name) {
    return m.exportWeights().stream().filter(t -> t.name().equals(name)).findFirst().map(Tensor::data)
        .orElseThrow(() -> new AssertionError("no weight " + name));
  }

  /** Resident memory of this process, from /proc (0 where unavailable). */
  static long residentBytes() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(f[1]) * 4096;
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }
}
