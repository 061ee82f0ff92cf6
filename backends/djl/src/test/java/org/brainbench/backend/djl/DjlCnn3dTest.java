package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 3D CNN on DJL at tiny sizes: counts, learning, determinism, weights, freezing. */
class DjlCnn3dTest {
  static final Cnn3dSpec SPEC = new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.0, 3);
  static final int[] SHAPE = {8, 8, 8};
  static final TrainingConfig TRAINING = TrainingConfig.defaults();

  static Backend djl() {
    Backend b = Backends.find("djl");
    assertThat(b).as("DJL backend found through ServiceLoader").isNotNull();
    return b;
  }

  @Test
  void reportsVersionsAndThreads() {
    var info = djl().info();
    assertThat(info.version()).startsWith("0.35");
    assertThat(info.nativeVersion()).contains("2.7.1");
    assertThat(info.threads()).isEqualTo(1);
  }

  @Test
  void parameterCountsMatchTheSpecForEveryTask() {
    for (TaskHead head : List.of(TaskHead.classify(1, SHAPE, 2), TaskHead.regress(1, SHAPE), TaskHead.segment(2, SHAPE, 4))) {
      try (Model m = djl().newModel(SPEC, head, TRAINING, 1)) {
        assertThat(m.parameterCount()).as(head.toString()).isEqualTo(ParameterCount.allTrainable(SPEC.parameterCount(head)));
      }
    }
  }

  @Test
  void paperScaleCountIsTheSfcnCount() {
    // SFCN [32,64,128,256,256,64], 1 input channel, 2 classes: convs without bias + BN scale/shift + linear
    long expected = (1 * 32 + 32 * 64 + 64 * 128 + 128 * 256 + 256 * 256) * 27L + 256 * 64
        + 2 * (32 + 64 + 128 + 256 + 256 + 64) + 64 * 2 + 2;
    assertThat(Cnn3dSpec.defaults().parameterCount(TaskHead.classify(1, new int[] {160, 192, 160}, 2))).isEqualTo(expected);
  }

  @Test
  void learnsASeparableProblemAndIsDeterministic() {
    float[] first = train(7);
    float[] second = train(7);
    assertThat(second).containsExactly(first);
    assertThat(first[first.length - 1]).isLessThan(first[0] * 0.5f);
  }

  private float[] train(long seed) {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    Batch batch = bright(head, 8, new Random(3));
    try (Model m = djl().newModel(SPEC, head, TRAINING, seed)) {
      float[] losses = new float[25];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = m.trainStep(batch, 3e-3f);
      }
      float[][] p = m.predict(Batch.inputs(batch.size(), head, batch.images()));
      for (int i = 0; i < batch.size(); i++) {
        assertThat(p[i][batch.classes()[i]]).as("sample %d", i).isGreaterThan(0.5f);
      }
      return losses;
    }
  }

  /** Class 1 volumes are brighter: a problem any CNN learns in a few steps. */
  static Batch bright(TaskHead head, int n, Random r) {
    int v = head.voxels();
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

  @Test
  void segmentationPredictsAVoxelMapAndLearnsIt() {
    TaskHead head = TaskHead.segment(1, SHAPE, 2);
    int v = head.voxels();
    float[] x = new float[2 * v];
    byte[] y = new byte[2 * v];
    Random r = new Random(1);
    for (int i = 0; i < x.length; i++) {
      y[i] = (byte) (r.nextDouble() < 0.3 ? 1 : 0);
      x[i] = y[i] == 1 ? 2f : -1f;
    }
    Batch batch = new Batch(2, head, x, null, null, y);
    try (Model m = djl().newModel(SPEC, head, TRAINING, 2)) {
      float start = m.trainStep(batch, 1e-2f);
      float end = start;
      for (int i = 0; i < 30; i++) {
        end = m.trainStep(batch, 1e-2f);
      }
      assertThat(end).isLessThan(start);
      float[][] p = m.predict(Batch.inputs(2, head, x));
      assertThat(p[0]).hasSize(v);
      int correct = 0;
      for (int i = 0; i < v; i++) {
        correct += p[0][i] == y[i] ? 1 : 0;
      }
      assertThat(correct).isGreaterThan((int) (0.9 * v));
    }
  }

  @Test
  void weightsRoundTripThroughSafetensorsAndRejectMismatches(@TempDir Path dir) throws Exception {
    TaskHead head = TaskHead.regress(1, SHAPE);
    Batch batch = bright(TaskHead.classify(1, SHAPE, 2), 4, new Random(5));
    Batch regress = new Batch(4, head, batch.images(), null, new float[] {1, -1, 1, -1}, null);
    try (Model a = djl().newModel(SPEC, head, TRAINING, 11); Model b = djl().newModel(SPEC, head, TRAINING, 12)) {
      a.trainStep(regress, 1e-3f); // moves batch-norm statistics away from their initial values
      a.save(dir);
      b.load(dir);
      Batch in = Batch.inputs(4, head, regress.images());
      assertThat(b.predict(in)).isDeepEqualTo(a.predict(in));
      List<Tensor> w = a.exportWeights();
      assertThat(w).extracting(Tensor::name).contains("blocks.0.conv.weight", "blocks.0.bn.running_mean", "head.weight", "head.bias");
      List<Tensor> wrong = new java.util.ArrayList<>(w.subList(1, w.size()));
      wrong.add(new Tensor("head.weight", new long[] {2, 2}, new float[4]));
      assertThatThrownBy(() -> b.importWeights(wrong)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("missing blocks.0.conv.weight").hasMessageContaining("head.weight has shape [2, 2]");
    }
  }

  @Test
  void frozenParametersDoNotMove() {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    try (Model m = djl().newModel(SPEC, head, TRAINING, 3)) {
      m.setFrozen(name -> name.startsWith("blocks."));
      ParameterCount c = m.parameterCount();
      assertThat(c.trainable()).isEqualTo(4 * 2 + 2);
      float[] before = weight(m, "blocks.0.conv.weight");
      float[] headBefore = weight(m, "head.weight");
      m.trainStep(bright(head, 4, new Random(2)), 1e-2f);
      assertThat(weight(m, "blocks.0.conv.weight")).containsExactly(before);
      assertThat(weight(m, "head.weight")).isNotEqualTo(headBefore);
    }
  }

  private static float[] weight(Model m, String name) {
    return m.exportWeights().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().data();
  }
}
