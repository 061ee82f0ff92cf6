package org.brainbench.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.junit.jupiter.api.Test;

class Dl4jCnn3dTest {
  private static final Cnn3dSpec SPEC = new Cnn3dSpec(List.of(4, 8, 8), 1.0, 0.0, 2);
  private static final int[] SHAPE = {8, 8, 8};

  @Test
  void classifierLearnsAndCountsLikeTheSpec() {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    try (Model m = new Dl4jBackend().newModel(SPEC, head, TrainingConfig.defaults(), 7)) {
      assertThat(m.parameterCount().total()).isEqualTo(SPEC.parameterCount(head));
      Batch b = batch(head, 4, 1);
      float first = m.trainStep(b, 1e-2f);
      float last = first;
      for (int i = 0; i < 20; i++) {
        last = m.trainStep(b, 1e-2f);
      }
      assertThat(last).isLessThan(first * 0.5f);
      float[][] p = m.predict(b);
      assertThat(p[0][0] + p[0][1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void segmentationUNetTrains() {
    TaskHead head = TaskHead.segment(1, SHAPE, 3);
    try (Model m = new Dl4jBackend().newModel(SPEC, head, TrainingConfig.defaults(), 7)) {
      assertThat(m.parameterCount().total()).isEqualTo(SPEC.parameterCount(head));
      Batch b = batch(head, 2, 2);
      float first = m.trainStep(b, 1e-2f);
      float last = first;
      for (int i = 0; i < 10; i++) {
        last = m.trainStep(b, 1e-2f);
      }
      assertThat(last).isLessThan(first);
      assertThat(m.predict(b)[0]).hasSize(head.voxels());
    }
  }

  static Batch batch(TaskHead head, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] images = new float[n * head.inputChannels() * head.voxels()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) r.nextGaussian();
    }
    return switch (head.type()) {
      case CLASSIFY -> {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
          c[i] = i % head.outputs();
        }
        yield new Batch(n, head, images, c, null, null);
      }
      case REGRESS -> {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = (float) r.nextGaussian();
        }
        yield new Batch(n, head, images, null, v, null);
      }
      case SEGMENT -> {
        byte[] v = new byte[n * head.voxels()];
        for (int i = 0; i < v.length; i++) {
          v[i] = (byte) (images[i] > 0.5 ? 1 : images[i] < -0.5 ? 2 : 0);
        }
        yield new Batch(n, head, images, null, null, v);
      }
      default -> Batch.inputs(n, head, images);
    };
  }
}
