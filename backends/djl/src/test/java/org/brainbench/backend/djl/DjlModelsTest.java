package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.FineTune;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.SliceCnnSpec;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model on every task it supports, at tiny sizes: the built model has exactly the spec's
 * analytic parameter count, trains without NaN, predicts the right shapes, and fine-tuning modes
 * freeze what they say.
 */
class DjlModelsTest {
  static final int[] SHAPE = {32, 32, 32};

  static List<ModelSpec> specs() {
    return List.of(
        new Cnn3dSpec(List.of(4, 8, 8), 0.5, 0.1, 2),
        new MedicalTransformerSpec(List.of("sagittal", "coronal", "axial"), "cnn", List.of(4, 8), 16, 2, 2, 2.0, 0.0, 0.3, 0.9, true),
        new MedicalTransformerSpec(List.of("axial"), "resnet18", List.of(4), 16, 1, 2, 2.0, 0.0, 0.3, 0.9, true),
        new SliceCnnSpec("axial", "cnn", List.of(4, 8, 8), 8, "mean", false, ""),
        new SliceCnnSpec("coronal", "cnn", List.of(4, 8), 8, "attention", true, ""),
        new SliceCnnSpec("sagittal", "resnet18", List.of(4), 8, "max", false, ""),
        new InflatedVitSpec(4, 16, 2, 2, 2.0, 0.0, "centering", "", 0.5, 4),
        new InflatedVitSpec(8, 16, 3, 4, 1.5, 0.1, "averaging", "", 0.5, 2));
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (ModelSpec spec : specs()) {
      for (TaskHead head : List.of(TaskHead.classify(2, SHAPE, 3), TaskHead.regress(1, new int[] {32, 32, 64}),
          TaskHead.segment(2, SHAPE, 3), TaskHead.pretrain(1, SHAPE))) {
        if (spec.incompatibility(head) == null) {
          out.add(Arguments.of(spec.id() + " " + head, spec, head));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void buildsTrainsAndPredicts(String name, ModelSpec spec, TaskHead head) {
    try (Model m = DjlCnn3dTest.djl().newModel(spec, head, TrainingConfig.defaults(), 5)) {
      assertThat(m.parameterCount()).isEqualTo(ParameterCount.allTrainable(spec.parameterCount(head)));
      Batch batch = batch(head, 2, new Random(1));
      for (int i = 0; i < 2; i++) {
        assertThat(m.trainStep(batch, 1e-3f)).isFinite();
      }
      int live = ((DjlModel) m).liveArrays(); // parameters, gradients and optimiser state exist now
      assertThat(m.trainStep(batch, 1e-3f)).isFinite();
      assertThat(Float.isFinite(m.evaluateLoss(batch))).isTrue();
      if (head.type() != TaskType.PRETRAIN) {
        m.predict(Batch.inputs(2, head, batch.images()));
      }
      assertThat(((DjlModel) m).liveArrays()).as("arrays left in the model's manager after a step (a leak)").isEqualTo(live);
      if (head.type() == TaskType.PRETRAIN) {
        assertThat(m.diagnostics()).containsKey("embeddingStd");
        if (spec instanceof MedicalTransformerSpec) {
          assertThat(m.exportWeights()).extracting(Tensor::name).anyMatch(n -> n.startsWith("target_encoder."));
        }
        return;
      }
      float[][] p = m.predict(Batch.inputs(2, head, batch.images()));
      assertThat(p).hasNumberOfRows(2);
      int width = switch (head.type()) {
        case CLASSIFY -> head.outputs();
        case REGRESS -> 1;
        default -> head.voxels();
      };
      assertThat(p[0]).hasSize(width);
      for (FineTune mode : FineTune.values()) {
        m.setFrozen(spec.frozenBy(mode));
        ParameterCount c = m.parameterCount();
        if (mode == FineTune.FULL) {
          assertThat(c.trainable()).isEqualTo(c.total());
        } else {
          assertThat(c.trainable()).isLessThan(c.total()).isPositive();
        }
      }
    }
  }

  static Batch batch(TaskHead head, int n, Random r) {
    int v = head.voxels();
    float[] x = new float[n * head.inputChannels() * v];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return switch (head.type()) {
      case CLASSIFY -> new Batch(n, head, x, new int[] {0, 2}, null, null);
      case REGRESS -> new Batch(n, head, x, null, new float[] {-1, 1}, null);
      case SEGMENT -> {
        byte[] y = new byte[n * v];
        for (int i = 0; i < y.length; i++) {
          y[i] = (byte) r.nextInt(head.outputs());
        }
        yield new Batch(n, head, x, null, null, y);
      }
      case PRETRAIN -> Batch.inputs(n, head, x);
    };
  }
}
