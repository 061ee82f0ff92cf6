package org.brainbench.api.parity;

import java.util.SplittableRandom;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;

/**
 * Checks that two backends build the same function: for one (model, task), build it on both,
 * train the reference a few steps (so weights and batch-norm statistics are no longer their
 * initial values), copy its weights to the other backend through the neutral tensor names, run the
 * same input through both in inference mode and measure the largest output difference relative to
 * the largest output magnitude; then train the other backend, copy back and measure again.
 */
public final class Parity {
  private static final int BATCH = 2;
  private static final int TRAIN_STEPS = 2;
  private static final float LEARNING_RATE = 1e-3f;

  private Parity() {}

  public static ParityResult check(Backend reference, Backend other, ParityCase c, long seed) {
    long specCount = c.spec().parameterCount(c.head());
    TrainingConfig training = TrainingConfig.defaults();
    long refCount = -1;
    long otherCount = -1;
    try (Model a = reference.newModel(c.spec(), c.head(), training, seed);
        Model b = other.newModel(c.spec(), c.head(), training, seed)) {
      refCount = a.parameterCount().total();
      otherCount = b.parameterCount().total();
      Batch train = batch(c.head(), BATCH, seed, true);
      Batch probe = batch(c.head(), BATCH, seed + 1, false);
      for (int i = 0; i < TRAIN_STEPS; i++) {
        a.trainStep(train, LEARNING_RATE);
      }
      b.importWeights(a.exportWeights());
      double forward = relativeDifference(a.outputs(probe), b.outputs(probe));
      for (int i = 0; i < TRAIN_STEPS; i++) {
        b.trainStep(train, LEARNING_RATE);
      }
      a.importWeights(b.exportWeights());
      double backward = relativeDifference(b.outputs(probe), a.outputs(probe));
      return new ParityResult(c.name(), c.head().toString(), reference.id(), other.id(), specCount, refCount, otherCount, forward, backward, null);
    } catch (RuntimeException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new ParityResult(c.name(), c.head().toString(), reference.id(), other.id(), specCount, refCount, otherCount, Double.NaN, Double.NaN, message);
    }
  }

  /**
   * Trains the reference from its initial weights and the other backend from a copy of them, on
   * the same batch for {@code steps} steps: the two loss trajectories (row 0 reference, row 1 other).
   */
  public static float[][] trainTogether(Backend reference, Backend other, ParityCase c, long seed, int steps) {
    return trainTogether(reference, other, c, seed, steps, TrainingConfig.defaults());
  }

  /** {@link #trainTogether(Backend, Backend, ParityCase, long, int)} with this optimiser and weight decay. */
  public static float[][] trainTogether(Backend reference, Backend other, ParityCase c, long seed, int steps, TrainingConfig training) {
    try (Model a = reference.newModel(c.spec(), c.head(), training, seed);
        Model b = other.newModel(c.spec(), c.head(), training, seed)) {
      b.importWeights(a.exportWeights());
      Batch train = batch(c.head(), BATCH, seed, true);
      float[][] losses = new float[2][steps];
      for (int s = 0; s < steps; s++) {
        losses[0][s] = a.trainStep(train, LEARNING_RATE * 3);
        losses[1][s] = b.trainStep(train, LEARNING_RATE * 3);
      }
      return losses;
    }
  }

  /** max |a - b| / max |a| over all values (0 when both are all zero; +inf on a shape mismatch). */
  static double relativeDifference(float[][] a, float[][] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != b[i].length) {
        return Double.POSITIVE_INFINITY;
      }
      for (int j = 0; j < a[i].length; j++) {
        double d = Math.abs((double) a[i][j] - b[i][j]);
        diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
        scale = Math.max(scale, Math.abs(a[i][j]));
      }
    }
    return diff == 0 ? 0 : diff / Math.max(scale, 1e-12);
  }

  /** Standard-normal images with targets of the head's kind (classes alternate, values normal, voxels by intensity). */
  public static Batch batch(TaskHead head, int n, long seed, boolean targets) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] images = new float[n * head.inputChannels() * head.voxels()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    if (!targets) {
      return Batch.inputs(n, head, images);
    }
    return switch (head.type()) {
      case CLASSIFY -> {
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
          classes[i] = i % head.outputs();
        }
        yield new Batch(n, head, images, classes, null, null);
      }
      case REGRESS -> {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = (float) r.nextGaussian();
        }
        yield new Batch(n, head, images, null, values, null);
      }
      case SEGMENT -> {
        byte[] voxels = new byte[n * head.voxels()];
        for (int i = 0; i < voxels.length; i++) {
          voxels[i] = (byte) Math.min(head.outputs() - 1, (int) Math.abs(images[i] * 2));
        }
        yield new Batch(n, head, images, null, null, voxels);
      }
      case PRETRAIN -> Batch.inputs(n, head, images);
    };
  }
}
