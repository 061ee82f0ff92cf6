package org.brainbench.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.assertj.core.data.Percentage;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.EncoderKind;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.parity.ParityCase;
import org.brainbench.api.parity.ParityResult;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.RegressionLoss;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.tasks.preprocess.Augmentation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What two backends must agree on, run by a module that has both on its class path: the same
 * function from the same weights ({@code parity}) for every example of the catalogue on every
 * supervised head, the same training trajectory from the same weights, and weights saved by either
 * one loading into the other.
 */
public abstract class CrossBackendContract {
  /** The tolerance {@code parity} uses by default: max |a - b| / max |a| of the outputs. */
  public static final double TOLERANCE = 1e-4;

  protected abstract Backend reference();

  protected abstract Backend other();

  /** Every example of the catalogue on every supervised head, on the smallest cube (16 or 32) it accepts. */
  static Stream<ParityCase> cases() {
    List<ParityCase> out = new ArrayList<>();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      List<ModelSpec> examples = e.examples();
      for (int i = 0; i < examples.size(); i++) {
        List<ParityCase> found = ParityCase.of(List.of(examples.get(i)), 16);
        if (found.isEmpty()) {
          found = ParityCase.of(List.of(examples.get(i)), 32);
        }
        for (ParityCase c : found) {
          out.add(new ParityCase(e.id() + "#" + i + " " + c.head(), c.spec(), c.head()));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void computesTheSameFunctionFromTheSameWeights(ParityCase c) {
    ParityResult r = Parity.check(reference(), other(), c, 1);
    assertThat(r.error()).as(c.name()).isNull();
    assertThat(r.referenceCount()).as("%s parameters on %s", c.name(), reference().id()).isEqualTo(r.specCount());
    assertThat(r.otherCount()).as("%s parameters on %s", c.name(), other().id()).isEqualTo(r.specCount());
    assertThat(r.forward()).as("%s %s weights into %s", c.name(), reference().id(), other().id()).isLessThanOrEqualTo(TOLERANCE);
    assertThat(r.backward()).as("%s %s weights into %s", c.name(), other().id(), reference().id()).isLessThanOrEqualTo(TOLERANCE);
  }

  /**
   * From the same weights on the same batches, the two backends' training losses stay together
   * (forward, loss, gradients, clipping and AdamW all agree); without dropout, whose masks come from
   * each backend's own generator.
   */
  @Test
  void trainingFromTheSameWeightsFollowsTheSameLosses() {
    var cnn = new Cnn3dSpec(List.of(4, 8, 8), 1.0, 0.0, 2);
    var mt = new MedicalTransformerSpec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), EncoderKind.CNN, List.of(4, 8), 16, 1, 2, 2.0, 0.0, 0.5, 0.9,
        true);
    int[] shape = Fixtures.cube(8);
    for (ParityCase c : List.of(new ParityCase("cnn3d/segment", cnn, TaskHead.segment(1, shape, 3)),
        new ParityCase("medical-transformer/classify", mt, TaskHead.classify(1, shape, 2)))) {
      float[][] losses = Parity.trainTogether(reference(), other(), c, 7, 10);
      for (int s = 0; s < losses[0].length; s++) {
        assertThat(losses[1][s]).as("%s step %d", c.name(), s).isCloseTo(losses[0][s], Percentage.withPercentage(0.1));
      }
      assertThat(losses[0][losses[0].length - 1]).as(c.name() + " learns").isLessThan(losses[0][0]);
    }
  }

  /**
   * Adam with L2 weight decay (the Medical Transformer's authors' optimiser, PyTorch's Adam) and
   * AdamW, with a decay large enough to matter, follow the same losses on both backends; and they
   * are two different rules.
   */
  @Test
  void adamWithL2DecayAndAdamWFollowTheSameLossesAndDiffer() {
    var cnn = new Cnn3dSpec(List.of(4, 8, 8), 1.0, 0.0, 2);
    ParityCase c = new ParityCase("cnn3d/classify", cnn, TaskHead.classify(1, Fixtures.cube(8), 2));
    float[][] last = new float[2][];
    for (OptimizerKind kind : List.of(OptimizerKind.ADAM, OptimizerKind.ADAMW)) {
      TrainingConfig training = new TrainingConfig(10, 4, kind, 1e-3, 0.5, 0.9, 1, 0, 0, RegressionLoss.L1, Augmentation.none());
      float[][] losses = Parity.trainTogether(reference(), other(), c, 3, 8, training);
      for (int s = 0; s < losses[0].length; s++) {
        assertThat(losses[1][s]).as("%s step %d", kind, s).isCloseTo(losses[0][s], Percentage.withPercentage(0.1));
      }
      last[kind == OptimizerKind.ADAM ? 0 : 1] = losses[0];
    }
    assertThat(last[0][7]).as("L2 through the moments is not decoupled decay").isNotEqualTo(last[1][7]);
  }

  /** A model saved by one backend (safetensors) loads into the other, both ways, with the same outputs. */
  @Test
  void savedWeightsMoveBetweenBackendsBothWays(@TempDir Path dir) throws IOException {
    var spec = new Cnn3dSpec(List.of(4, 8, 8), 1.0, 0.0, 2);
    var head = TaskHead.regress(1, Fixtures.cube(8));
    var training = TrainingConfig.defaults();
    Batch probe = Fixtures.inputs(head, 2, 3);
    try (Model a = reference().newModel(spec, head, training, 1); Model b = other().newModel(spec, head, training, 2);
        Model c = reference().newModel(spec, head, training, 3)) {
      a.trainStep(Fixtures.random(head, 2, 4), 1e-3f); // batch-norm statistics away from their initial values
      assertThat(b.outputs(probe)[1][0]).as("different seeds, different weights").isNotCloseTo(a.outputs(probe)[1][0], Offset.offset(1e-4f));
      a.save(dir.resolve("from-" + reference().id()));
      b.load(dir.resolve("from-" + reference().id()));
      assertThat(b.outputs(probe)[1][0]).isCloseTo(a.outputs(probe)[1][0], Offset.offset(1e-4f));
      b.save(dir.resolve("from-" + other().id()));
      c.load(dir.resolve("from-" + other().id()));
      assertThat(c.outputs(probe)[0][0]).isCloseTo(a.outputs(probe)[0][0], Offset.offset(1e-4f));
    }
  }
}
