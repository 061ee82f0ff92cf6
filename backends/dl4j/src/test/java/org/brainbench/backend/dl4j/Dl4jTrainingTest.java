package org.brainbench.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;

/** Pre-training, determinism and resuming on the DL4J backend, on tiny shapes. */
class Dl4jTrainingTest {
  private static final MedicalTransformerSpec MT = new MedicalTransformerSpec(List.of("sagittal", "coronal", "axial"), "cnn",
      List.of(4, 8), 16, 1, 2, 2.0, 0.1, 0.5, 0.9, true);
  private static final int[] SHAPE = {8, 8, 8};

  @Test
  void maskedEncodingPretrainingLearnsAndMovesTheMomentumEncoder() {
    TaskHead head = TaskHead.pretrain(1, SHAPE);
    try (Model m = new Dl4jBackend().newModel(MT, head, TrainingConfig.defaults(), 3)) {
      assertThat(m.parameterCount().total()).isEqualTo(MT.parameterCount(head));
      Batch b = Dl4jCnn3dTest.batch(head, 4, 5);
      float[] before = weight(m, "target_encoder.proj.weight");
      List<Float> losses = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        m.reseed(i % 2); // the same two masks alternate
        losses.add(m.trainStep(b, 3e-3f));
      }
      assertThat(losses.get(28) + losses.get(29)).isLessThan(0.8f * (losses.get(0) + losses.get(1)));
      assertThat(m.diagnostics().get("embeddingStd")).isPositive();
      assertThat(weight(m, "target_encoder.proj.weight")).isNotEqualTo(before);
      assertThat(m.parameters()).noneMatch(p -> p.name().startsWith("target_encoder"));
    }
  }

  @Test
  void vitSimMimPretrainingLearnsOnAxialSlices() {
    InflatedVitSpec vit = new InflatedVitSpec(4, 16, 1, 2, 2.0, 0.0, "centering", "", 0.5, 4);
    TaskHead head = TaskHead.pretrain(1, SHAPE);
    try (Model m = new Dl4jBackend().newModel(vit, head, TrainingConfig.defaults(), 3)) {
      assertThat(m.parameterCount().total()).isEqualTo(vit.parameterCount(head));
      // smooth images: a masked patch is predictable from its neighbours
      float[] images = new float[2 * head.voxels()];
      for (int i = 0; i < images.length; i++) {
        int x = i % 8;
        int y = i / 8 % 8;
        int z = i / 64 % 8;
        images[i] = (float) (Math.sin(x * 0.7 + z) + Math.cos(y * 0.5) + (i >= head.voxels() ? 0.5 : 0));
      }
      Batch b = Batch.inputs(2, head, images);
      List<Float> losses = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        m.reseed(i % 2);
        losses.add(m.trainStep(b, 3e-3f));
      }
      assertThat(losses.get(28) + losses.get(29)).isLessThan(0.5f * (losses.get(0) + losses.get(1)));
      assertThat(m.diagnostics().get("embeddingStd")).isPositive();
      assertThat(m.parameters()).anyMatch(p -> p.name().equals("patch_embed.proj.weight") && p.shape().length == 4);
    }
  }

  @Test
  void sameSeedGivesTheSameTrajectoryAndResumingContinuesIt() {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    Batch b = Dl4jCnn3dTest.batch(head, 4, 1);
    List<Float> straight = new ArrayList<>();
    try (Model m = new Dl4jBackend().newModel(MT, head, TrainingConfig.defaults(), 11)) {
      for (int i = 0; i < 6; i++) {
        m.reseed(i);
        straight.add(m.trainStep(b, 1e-3f));
      }
    }
    List<Float> resumed = new ArrayList<>();
    try (Model first = new Dl4jBackend().newModel(MT, head, TrainingConfig.defaults(), 11);
        Model second = new Dl4jBackend().newModel(MT, head, TrainingConfig.defaults(), 99)) {
      for (int i = 0; i < 3; i++) {
        first.reseed(i);
        resumed.add(first.trainStep(b, 1e-3f));
      }
      second.importWeights(first.exportWeights());
      second.importTrainingState(first.exportTrainingState());
      for (int i = 3; i < 6; i++) {
        second.reseed(i);
        resumed.add(second.trainStep(b, 1e-3f));
      }
    }
    assertThat(resumed).isEqualTo(straight);
  }

  private static float[] weight(Model m, String name) {
    return m.exportWeights().stream().filter(t -> t.name().equals(name)).findFirst().map(Tensor::data).orElseThrow();
  }
}
