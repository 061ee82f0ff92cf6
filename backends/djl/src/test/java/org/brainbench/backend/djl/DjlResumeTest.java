package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Resuming mid-training: a model rebuilt from exported weights and optimiser state, reseeded like
 * the original, continues with exactly the same losses and weights (AdamW and SGD with momentum;
 * dropout and the Medical Transformer's random masking draw from the reseeded engine).
 */
class DjlResumeTest {
  static final int[] SHAPE = {8, 8, 8};

  private static void continuesExactly(ModelSpec spec, TaskHead head, Batch batch, TrainingConfig training) {
    try (Model original = DjlCnn3dTest.djl().newModel(spec, head, training, 3)) {
      original.reseed(100);
      for (int i = 0; i < 3; i++) {
        original.trainStep(batch, 1e-2f);
      }
      List<Tensor> weights = original.exportWeights();
      List<Tensor> state = original.exportTrainingState();
      assertThat(state).extracting(Tensor::name).anyMatch(n -> n.startsWith("optimizer/count/")).contains("optimizer/numUpdate");
      original.reseed(200);
      float[] expected = new float[3];
      for (int i = 0; i < 3; i++) {
        expected[i] = original.trainStep(batch, 1e-2f);
      }
      // another instance (other parameter ids, other initial weights), as after a restart
      try (Model resumed = DjlCnn3dTest.djl().newModel(spec, head, training, 99)) {
        resumed.importWeights(weights);
        resumed.importTrainingState(state);
        resumed.reseed(200);
        float[] actual = new float[3];
        for (int i = 0; i < 3; i++) {
          actual[i] = resumed.trainStep(batch, 1e-2f);
        }
        assertThat(actual).containsExactly(expected);
        assertThat(resumed.exportWeights()).isEqualTo(original.exportWeights());
      }
      // without the optimiser state the continuation differs: the state matters and is really restored
      try (Model fresh = DjlCnn3dTest.djl().newModel(spec, head, training, 99)) {
        fresh.importWeights(weights);
        fresh.reseed(200);
        assertThat(fresh.trainStep(batch, 1e-2f)).isEqualTo(expected[0]); // same first loss (same weights) ...
        assertThat(fresh.exportWeights()).isNotEqualTo(original.exportWeights()); // ... different update
      }
    }
  }

  @Test
  void adamWWithDropoutContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    continuesExactly(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.5, 3), head, DjlCnn3dTest.bright(head, 4, new Random(1)), TrainingConfig.defaults());
  }

  @Test
  void sgdWithMomentumContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SHAPE, 2);
    TrainingConfig sgd = new TrainingConfig(10, 4, OptimizerKind.SGD, 1e-3, 1e-4, 0.9, 1, 0, 1.0, org.brainbench.api.training.RegressionLoss.L1,
        org.brainbench.api.training.Augmentation.none());
    continuesExactly(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.5, 3), head, DjlCnn3dTest.bright(head, 4, new Random(2)), sgd);
  }

  @Test
  void maskedPretrainingWithItsMomentumEncoderContinuesExactly() {
    TaskHead head = TaskHead.pretrain(1, SHAPE);
    MedicalTransformerSpec spec = new MedicalTransformerSpec(List.of("sagittal", "axial"), "cnn", List.of(4, 8), 16, 1, 2, 2.0, 0.1, 0.3, 0.9, true);
    Batch images = DjlCnn3dTest.bright(TaskHead.classify(1, SHAPE, 2), 2, new Random(3));
    continuesExactly(spec, head, Batch.inputs(2, head, images.images()), TrainingConfig.defaults());
  }

  @Test
  void stateOfAnotherModelIsRejectedByName() {
    TaskHead head = TaskHead.regress(1, SHAPE);
    try (Model m = DjlCnn3dTest.djl().newModel(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.0, 3), head, TrainingConfig.defaults(), 1)) {
      assertThatThrownBy(() -> m.importTrainingState(List.of(new Tensor("optimizer/means/no.such.weight", new long[] {1}, new float[1]))))
          .hasMessageContaining("no.such.weight");
    }
  }
}
