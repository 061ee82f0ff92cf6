package org.brainbench.harness.run;

import java.util.List;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.model.TaskHead;

/** Packs samples into the backend's batch layout (N x C x D x H x W, with the task's targets). */
final class Batches {
  private Batches() {}

  /** Inputs read ahead of the model: enough to hide a batch's reading behind the previous one's step. */
  static final int AHEAD = 2;

  /** Batches of {@code batchSize} samples (the last one shorter) of a list, in order. */
  static int count(int samples, int batchSize) {
    return (samples + batchSize - 1) / batchSize;
  }

  /**
   * The inputs of {@code samples} in consecutive batches, read (from the cache) {@link #AHEAD}
   * batches ahead on a background thread named {@code thread}.
   */
  static Prefetcher<Batch> inputsAhead(String thread, List<Sample> samples, TaskHead head, int batchSize) {
    return new Prefetcher<>(thread, AHEAD, count(samples.size(), batchSize),
        b -> of(samples.subList(b * batchSize, Math.min(samples.size(), (b + 1) * batchSize)), head, null, false));
  }

  static Batch of(List<Sample> samples, TaskHead head, Targets targets, boolean withTargets) {
    int n = samples.size();
    int v = head.voxels();
    int c = head.inputChannels();
    float[] images = new float[n * c * v];
    for (int i = 0; i < n; i++) {
      float[][] ch = samples.get(i).channels();
      for (int k = 0; k < c; k++) {
        System.arraycopy(ch[k], 0, images, (i * c + k) * v, v);
      }
    }
    if (!withTargets || head.type() == org.brainbench.tasks.TaskType.PRETRAIN) {
      return Batch.inputs(n, head, images);
    }
    return switch (head.type()) {
      case CLASSIFY -> {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
          y[i] = targets.classOf(samples.get(i));
        }
        yield new Batch(n, head, images, y, null, null);
      }
      case REGRESS -> {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
          y[i] = targets.standardised(samples.get(i));
        }
        yield new Batch(n, head, images, null, y, null);
      }
      case SEGMENT -> {
        byte[] y = new byte[n * v];
        for (int i = 0; i < n; i++) {
          System.arraycopy(samples.get(i).classes(), 0, y, i * v, v);
        }
        yield new Batch(n, head, images, null, null, y);
      }
      default -> throw new IllegalStateException(head.type().id());
    };
  }
}
