package org.brainbench.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.brainbench.tck.Fixtures.cube;
import static org.brainbench.tck.Fixtures.weight;

import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.ImportReport;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.EncoderKind;
import org.brainbench.api.model.FineTune;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.Objective;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.PatchInflation;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.tasks.preprocess.Augmentation;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.RegressionLoss;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend must do, as JUnit tests a backend runs by extending this class with a few
 * lines ({@code class DjlContractTest extends BackendContract}), as DJL's integration tests run on
 * every engine. Tiny shapes: the whole contract runs in about a minute per backend.
 *
 * <ul>
 *   <li>every example configuration of every model in the catalogue, on every head it supports: the
 *       built model has exactly the spec's parameter count, trains without NaN, predicts the right
 *       shapes, and each fine-tuning mode freezes what it says;
 *   <li>learning, determinism (same seed, same trajectory), weights round trips and mismatch errors,
 *       freezing, resuming from exported weights and optimiser state, the pre-training objectives;
 *   <li>native memory that stays bounded over many steps and after closing models.
 * </ul>
 *
 * A backend that does not build a model of the catalogue names it in {@link #unsupportedModels()}
 * with the reason (the documentation repeats it); every other check holds for every backend.
 */
public abstract class BackendContract {
  /** The backend under test (usually {@code Backends.find(id)}). */
  protected abstract Backend backend();

  /** Model ids of the catalogue this backend does not build, each with the reason. */
  protected Map<String, String> unsupportedModels() {
    return Map.of();
  }

  /** Native objects a model holds (e.g. DJL's arrays in its manager), or -1 where the backend cannot count them. */
  protected long liveNativeObjects(Model model) {
    return -1;
  }

  static final TrainingConfig TRAINING = TrainingConfig.defaults();
  static final Cnn3dSpec CNN = new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.0, 3);
  static final int[] SMALL = cube(8);

  protected Model build(ModelSpec spec, TaskHead head, long seed) {
    return backend().newModel(spec, head, TRAINING, seed);
  }

  @Test
  void isFoundThroughServiceLoaderAndReportsItself() {
    Backend found = Backends.find(backend().id());
    assertThat(found).as("backend %s listed in META-INF/services", backend().id()).isNotNull();
    var info = backend().info();
    assertThat(info.id()).isEqualTo(backend().id());
    assertThat(info.version()).isNotBlank();
    assertThat(info.nativeVersion()).isNotBlank();
    assertThat(info.device()).isNotBlank();
    assertThat(info.threads()).isPositive();
  }

  @Test
  void buildsEveryModelOfTheCatalogue() {
    List<String> expected = new ArrayList<>(ModelCatalog.ids());
    expected.removeAll(unsupportedModels().keySet());
    assertThat(backend().supportedModels()).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** Every example of every model on every head it supports, each on the smallest cube (16 or 32) it accepts. */
  static Stream<Arguments> everyExample() {
    List<Arguments> out = new ArrayList<>();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      List<ModelSpec> examples = e.examples();
      for (int i = 0; i < examples.size(); i++) {
        ModelSpec spec = examples.get(i);
        for (TaskType type : TaskType.values()) {
          TaskHead head = null;
          for (int size : new int[] {16, 32}) {
            TaskHead h = head(type, size);
            if (spec.incompatibility(h) == null) {
              head = h;
              break;
            }
          }
          if (head != null) {
            out.add(Arguments.of(e.id() + "#" + i + " " + head, spec, head));
          }
        }
      }
    }
    return out.stream();
  }

  private static TaskHead head(TaskType type, int size) {
    return switch (type) {
      case CLASSIFY -> TaskHead.classify(2, cube(size), 3);
      case REGRESS -> TaskHead.regress(1, new int[] {size, size + size / 2, size}); // a grid that is not a cube
      case SEGMENT -> TaskHead.segment(2, cube(size), 3);
      case PRETRAIN -> TaskHead.pretrain(1, cube(size));
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyExample")
  void buildsTrainsAndPredictsEveryExample(String name, ModelSpec spec, TaskHead head) {
    try (Model m = build(spec, head, 5)) {
      assertThat(m.parameterCount()).as("parameters of %s", name).isEqualTo(new ParameterCount(spec.parameterCount(head), spec.trainableCount(head)));
      assertThat(m.parameters()).extracting(p -> p.name()).doesNotHaveDuplicates();
      Batch batch = Fixtures.random(head, 2, 1);
      for (int i = 0; i < 2; i++) {
        assertThat(m.trainStep(batch, 1e-3f)).isFinite();
      }
      long live = liveNativeObjects(m); // parameters, gradients and optimiser state exist now
      assertThat(m.trainStep(batch, 1e-3f)).isFinite();
      assertThat(m.evaluateLoss(batch)).isFinite();
      if (head.type() != TaskType.PRETRAIN) {
        m.predict(Batch.inputs(2, head, batch.images()));
      }
      assertThat(liveNativeObjects(m)).as("native objects left after a step (a leak)").isEqualTo(live);
      if (head.type() == TaskType.PRETRAIN) {
        assertThat(m.diagnostics()).containsKey("embeddingStd");
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
      assertThat(m.outputs(Batch.inputs(2, head, batch.images()))[0]).hasSize(head.type() == TaskType.SEGMENT ? head.outputs() * head.voxels() : width);
      if (head.type() != TaskType.SEGMENT) {
        assertEmbeddingIsTheHeadsInput(m, Batch.inputs(2, head, batch.images()), name);
      }
      for (FineTune mode : FineTune.values()) {
        m.setFrozen(spec.frozenBy(mode));
        ParameterCount c = m.parameterCount();
        if (mode == FineTune.FULL) {
          assertThat(c.trainable()).isEqualTo(c.total());
        } else {
          assertThat(c.trainable()).as("%s trains", mode).isLessThan(c.total()).isPositive();
        }
      }
    }
  }

  /**
   * The embedding is exactly what the head reads: the outputs are head weight x embedding + bias
   * (for soft-bin regression, the bin centres' expectation under the softmax of those logits).
   */
  private static void assertEmbeddingIsTheHeadsInput(Model m, Batch batch, String name) {
    float[][] e = m.embeddings(batch);
    float[][] out = m.outputs(batch);
    ModelSpec spec = m.spec();
    Tensor weight = m.exportWeights().stream().filter(t -> t.name().equals(spec.outputLayer() + ".weight")).findFirst().orElseThrow();
    Tensor bias = m.exportWeights().stream().filter(t -> t.name().equals(weight.name().replace(".weight", ".bias"))).findFirst().orElseThrow();
    int k = (int) weight.shape()[0];
    int f = (int) (weight.size() / k);
    var bins = m.head().type() == TaskType.REGRESS ? spec.regressionBins() : null;
    for (int i = 0; i < batch.size(); i++) {
      assertThat(e[i]).as("%s embedding width", name).hasSize(f);
      double[] z = new double[k];
      for (int o = 0; o < k; o++) {
        z[o] = bias.data()[o];
        for (int j = 0; j < f; j++) {
          z[o] += weight.data()[o * f + j] * e[i][j];
        }
      }
      if (bins == null) {
        for (int o = 0; o < k; o++) {
          assertThat(out[i][o]).as("%s output %d of sample %d from its embedding", name, o, i).isCloseTo((float) z[o], org.assertj.core.data.Offset.offset(1e-4f));
        }
      } else {
        double max = java.util.Arrays.stream(z).max().orElse(0);
        double norm = 0;
        double expected = 0;
        for (int o = 0; o < k; o++) {
          norm += Math.exp(z[o] - max);
          expected += Math.exp(z[o] - max) * bins.centres()[o];
        }
        assertThat(out[i][0]).as("%s expected value of sample %d from its embedding", name, i).isCloseTo((float) (expected / norm), org.assertj.core.data.Offset.offset(1e-3f));
      }
    }
  }

  @Test
  void classifierLearnsASeparableProblemTheSameWayTwice() {
    float[] first = trainSeparable(7);
    assertThat(trainSeparable(7)).as("same seed, same losses").containsExactly(first);
    // from wherever the initial weights start: well below chance (ln 2) and well below the start
    assertThat(first[first.length - 1]).isLessThan(0.35f).isLessThan(first[0] * 0.7f);
  }

  private float[] trainSeparable(long seed) {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    Batch batch = Fixtures.separable(head, 8, 3);
    try (Model m = build(CNN, head, seed)) {
      float[] losses = new float[25];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = m.trainStep(batch, 1e-2f);
      }
      float[][] p = m.predict(Batch.inputs(batch.size(), head, batch.images()));
      for (int i = 0; i < batch.size(); i++) {
        assertThat(p[i][batch.classes()[i]]).as("probability of sample %d's class", i).isGreaterThan(0.5f);
        assertThat(p[i][0] + p[i][1]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
      }
      return losses;
    }
  }

  @Test
  void otherSeedsDrawOtherInitialWeights() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    try (Model a = build(CNN, head, 1); Model b = build(CNN, head, 2); Model c = build(CNN, head, 1)) {
      assertThat(weight(a, "blocks.0.conv.weight")).isNotEqualTo(weight(b, "blocks.0.conv.weight"));
      assertThat(weight(a, "blocks.0.conv.weight")).isEqualTo(weight(c, "blocks.0.conv.weight"));
    }
  }

  @Test
  void segmentationLearnsAVoxelMap() {
    TaskHead head = TaskHead.segment(1, SMALL, 2);
    Batch batch = Fixtures.brightForeground(head, 2, 1);
    try (Model m = build(CNN, head, 2)) {
      float start = m.trainStep(batch, 1e-2f);
      float end = start;
      for (int i = 0; i < 30; i++) {
        end = m.trainStep(batch, 1e-2f);
      }
      assertThat(end).isLessThan(start);
      float[][] p = m.predict(Batch.inputs(2, head, batch.images()));
      assertThat(p[0]).hasSize(head.voxels());
      int correct = 0;
      for (int i = 0; i < head.voxels(); i++) {
        correct += p[0][i] == batch.voxelClasses()[i] ? 1 : 0;
      }
      assertThat(correct).isGreaterThan((int) (0.9 * head.voxels()));
    }
  }

  @Test
  void weightsRoundTripThroughSaveAndLoad(@TempDir Path dir) throws Exception {
    TaskHead head = TaskHead.regress(1, SMALL);
    Batch batch = Fixtures.random(head, 4, 5);
    try (Model a = build(CNN, head, 11); Model b = build(CNN, head, 12)) {
      a.trainStep(batch, 1e-3f); // moves batch-norm statistics away from their initial values
      a.save(dir);
      b.load(dir);
      Batch in = Batch.inputs(4, head, batch.images());
      assertThat(b.predict(in)).isDeepEqualTo(a.predict(in));
      assertThat(b.exportWeights()).isEqualTo(a.exportWeights());
      assertThat(a.exportWeights()).extracting(Tensor::name).contains("blocks.0.conv.weight", "blocks.0.bn.running_mean", "head.weight", "head.bias");
    }
  }

  @Test
  void importRejectsMismatchesListingEveryOne() {
    TaskHead head = TaskHead.regress(1, SMALL);
    try (Model a = build(CNN, head, 11); Model b = build(CNN, head, 12)) {
      List<Tensor> w = a.exportWeights();
      List<Tensor> wrong = new ArrayList<>(w.subList(1, w.size()));
      wrong.removeIf(t -> t.name().equals("head.weight"));
      wrong.add(new Tensor("head.weight", new long[] {2, 2}, new float[4]));
      wrong.add(new Tensor("no.such.weight", new long[] {1}, new float[1]));
      assertThatThrownBy(() -> b.importWeights(wrong)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("missing " + w.get(0).name()).hasMessageContaining("head.weight has shape [2, 2]")
          .hasMessageContaining("no.such.weight");
    }
  }

  @Test
  void lenientImportLoadsWhatMatchesAndReportsTheRest() {
    TaskHead classify = TaskHead.classify(1, SMALL, 2);
    TaskHead regress = TaskHead.regress(1, SMALL);
    try (Model a = build(CNN, classify, 1); Model b = build(CNN, regress, 2)) {
      List<Tensor> trunk = new ArrayList<>(a.exportWeights());
      trunk.removeIf(t -> t.name().startsWith("head."));
      trunk.add(new Tensor("extra.weight", new long[] {1}, new float[1]));
      ImportReport r = b.importWeights(trunk, false);
      assertThat(r.missing()).containsExactlyInAnyOrder("head.weight", "head.bias");
      assertThat(r.unexpected()).containsExactly("extra.weight");
      assertThat(r.loaded()).contains("blocks.0.conv.weight");
      assertThat(weight(b, "blocks.0.conv.weight")).containsExactly(weight(a, "blocks.0.conv.weight"));
    }
  }

  @Test
  void frozenParametersDoNotMove() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    try (Model m = build(CNN, head, 3)) {
      m.setFrozen(name -> name.startsWith("blocks."));
      assertThat(m.parameterCount().trainable()).isEqualTo(4 * 2 + 2);
      float[] before = weight(m, "blocks.0.conv.weight");
      float[] headBefore = weight(m, "head.weight");
      m.trainStep(Fixtures.separable(head, 4, 2), 1e-2f);
      assertThat(weight(m, "blocks.0.conv.weight")).containsExactly(before);
      assertThat(weight(m, "head.weight")).isNotEqualTo(headBefore);
    }
  }

  @Test
  void resumingWithAdamWAndDropoutContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    continuesExactly(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.5, 3), head, Fixtures.separable(head, 4, 1), TRAINING);
  }

  @Test
  void resumingWithSgdAndMomentumContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    TrainingConfig sgd = new TrainingConfig(10, 4, OptimizerKind.SGD, 1e-3, 1e-4, 0.9, 1, 0, 1.0, RegressionLoss.L1, Augmentation.none());
    continuesExactly(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.5, 3), head, Fixtures.separable(head, 4, 2), sgd);
  }

  @Test
  void resumingWithAdamAndL2DecayContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    TrainingConfig adam = new TrainingConfig(10, 4, OptimizerKind.ADAM, 1e-3, 1e-3, 0.9, 0, 0, 0, RegressionLoss.L1, Augmentation.none());
    continuesExactly(new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.5, 3), head, Fixtures.separable(head, 4, 3), adam);
  }

  @Test
  void resumingTheTransformerWithDropoutContinuesExactly() {
    TaskHead head = TaskHead.classify(1, SMALL, 2);
    continuesExactly(MT, head, Fixtures.random(head, 4, 1), TRAINING);
  }

  @Test
  void resumingMaskedPretrainingWithItsMomentumEncoderContinuesExactly() {
    TaskHead head = TaskHead.pretrain(1, SMALL);
    MedicalTransformerSpec spec = new MedicalTransformerSpec(List.of(View.SAGITTAL, View.AXIAL), EncoderKind.CNN, List.of(4, 8), 16, 1, 2, 2.0, 0.1, 0.3,
        0.9, true);
    continuesExactly(spec, head, Fixtures.inputs(head, 2, 3), TRAINING);
  }

  /**
   * A model rebuilt from exported weights and optimiser state, reseeded like the original, continues
   * with exactly the same losses and weights; without the state the continuation differs.
   */
  private void continuesExactly(ModelSpec spec, TaskHead head, Batch batch, TrainingConfig training) {
    try (Model original = backend().newModel(spec, head, training, 3)) {
      original.reseed(100);
      for (int i = 0; i < 3; i++) {
        original.trainStep(batch, 1e-2f);
      }
      List<Tensor> weights = original.exportWeights();
      List<Tensor> state = original.exportTrainingState();
      assertThat(state).as("optimiser state exported").isNotEmpty();
      original.reseed(200);
      float[] expected = new float[3];
      for (int i = 0; i < 3; i++) {
        expected[i] = original.trainStep(batch, 1e-2f);
      }
      // another instance (other initial weights), as after a restart
      try (Model resumed = backend().newModel(spec, head, training, 99)) {
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
      try (Model fresh = backend().newModel(spec, head, training, 99)) {
        fresh.importWeights(weights);
        fresh.reseed(200);
        assertThat(fresh.trainStep(batch, 1e-2f)).as("same weights, same first loss").isEqualTo(expected[0]);
        assertThat(fresh.exportWeights()).as("without the optimiser state, another update").isNotEqualTo(original.exportWeights());
      }
    }
  }

  @Test
  void trainingStateOfAnotherModelIsRejectedByName() {
    TaskHead head = TaskHead.regress(1, SMALL);
    try (Model a = build(CNN, head, 1); Model b = build(new Cnn3dSpec(List.of(4, 8), 1.0, 0.0, 2), head, 1)) {
      a.trainStep(Fixtures.random(head, 2, 1), 1e-3f);
      assertThatThrownBy(() -> b.importTrainingState(a.exportTrainingState())).isInstanceOf(RuntimeException.class)
          .hasMessageMatching("(?s).*blocks\\.[23]\\..*");
    }
  }

  static final MedicalTransformerSpec MT = new MedicalTransformerSpec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), EncoderKind.CNN, List.of(4, 8), 16,
      1, 2, 2.0, 0.1, 0.5, 0.9, true);

  @Test
  void maskedEncodingPretrainingLearnsAndMovesTheMomentumEncoder() {
    TaskHead head = TaskHead.pretrain(1, SMALL);
    try (Model m = build(MT, head, 3)) {
      Batch b = Fixtures.random(head, 4, 5);
      float[] before = weight(m, "target_encoder.proj.weight");
      List<Float> losses = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        m.reseed(i % 2); // the same two masks alternate
        losses.add(m.trainStep(b, 3e-3f));
      }
      assertThat(losses.get(28) + losses.get(29)).isLessThan(0.8f * (losses.get(0) + losses.get(1)));
      assertThat(m.diagnostics().get("embeddingStd")).isPositive();
      assertThat(weight(m, "target_encoder.proj.weight")).as("the momentum encoder follows").isNotEqualTo(before);
      assertThat(m.parameters()).as("the momentum encoder is state, not a parameter").noneMatch(p -> p.name().startsWith("target_encoder"));
    }
  }

  /**
   * The authors' triplet stage (their ResNet-18 slice encoders at width 4, whose layers have 4 and 8
   * channels: partly filled blocks for oneDNN) trains the same way twice and keeps learning: a
   * miscomputed input gradient shows here as losses that differ run to run or turn NaN.
   */
  @Test
  void authorsTripletStageTrainsTheSameWayTwice() {
    float[] first = trainTriplet();
    assertThat(trainTriplet()).as("same seed, same losses").containsExactly(first);
    for (float loss : first) {
      assertThat(loss).isFinite();
    }
  }

  private float[] trainTriplet() {
    var spec = new org.brainbench.api.model.MedicalTransformerJun2021Spec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), 4, 8, 1, 2, 4, 16, 0.0,
        0.25, 0, 0, 1.0, "");
    TaskHead head = TaskHead.pretrain(1, Fixtures.cube(16), Objective.TRIPLET);
    try (Model m = build(spec, head, 5)) {
      float[] losses = new float[8];
      for (int i = 0; i < losses.length; i++) {
        m.reseed(i); // the intensity curves come from the engine's generator
        losses[i] = m.trainStep(Fixtures.unitInterval(head, 4, i), 3e-3f);
      }
      return losses;
    }
  }

  @Test
  void vitSimMimPretrainingLearnsOnAxialSlices() {
    InflatedVitSpec vit = new InflatedVitSpec(4, 16, 1, 2, 2.0, 0.0, PatchInflation.CENTERING, "", 0.5, 4);
    TaskHead head = TaskHead.pretrain(1, SMALL);
    try (Model m = build(vit, head, 3)) {
      Batch b = Fixtures.smooth(head, 2);
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

  /**
   * Native memory does not leak: with the garbage collected and freed memory returned to the system,
   * resident memory after each of several models' steps stays within a bound of the first model's.
   * (A backend may keep garbage for its collector between steps, as DL4J does; what it keeps must be
   * reclaimable.)
   */
  @Test
  void residentMemoryStaysBoundedOverManyStepsAndModels() throws InterruptedException {
    TaskHead head = TaskHead.segment(1, cube(16), 3);
    Batch batch = Fixtures.random(head, 2, 1);
    Batch probe = Batch.inputs(2, head, batch.images());
    Cnn3dSpec spec = new Cnn3dSpec(List.of(8, 16, 16), 1.0, 0.0, 3);
    long first = 0;
    long worst = 0;
    for (int model = 0; model < 4; model++) {
      try (Model m = build(spec, head, model)) {
        int steps = model == 0 ? 30 : 10;
        for (int i = 0; i < steps; i++) {
          m.trainStep(batch, 1e-3f);
          m.outputs(probe);
          if (model == 0 && i == 4) {
            first = settledResidentBytes(); // warmed up: what follows must not add up
          }
        }
        worst = Math.max(worst, settledResidentBytes());
      }
    }
    // a step here computes several MB of activations (the first layer alone: 2 x 8 x 16^3 floats, 256 KB); keeping them would pass the bound within 25 steps
    assertThat(worst - first).as("resident memory growth over 25 more steps and 3 more models x 10 steps, bytes").isLessThan(48L << 20);
  }

  /** Resident memory once the collector has run (twice: native deallocators run after the first) and glibc has trimmed its heap. */
  private static long settledResidentBytes() throws InterruptedException {
    System.gc();
    Thread.sleep(100);
    System.gc();
    Thread.sleep(100);
    org.brainbench.api.backend.NativeHeap.trim();
    return Fixtures.residentBytes();
  }

  // ---- the authors' released models, against the PyTorch references in tools/authors-reference ----

  static Stream<String> medicalTransformerFixtures() {
    return AuthorsFixture.cases("medical-transformer-");
  }

  /**
   * The Medical Transformer as its authors released it: from their weights (their names, loaded
   * strictly where the case holds a whole model), the encodings, the Transformer's outputs, the
   * masked-encoding and triplet losses on the reference's own draws, and the parameter counts.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("medicalTransformerFixtures")
  void reproducesTheAuthorsMedicalTransformer(String name) {
    AuthorsFixture f = AuthorsFixture.load(name);
    JsonNode c = f.config().path("config");
    double tolerance = f.config().path("tolerance").path("rel").asDouble(1e-4);
    if (name.endsWith("encoder-pool")) {
      // one axial view tensor [1, H = 96, W = 114, S = 3]: brainbench's volume (D, H, W) = (S, W, H)
      Tensor slices = f.inputs().get("slices");
      Tensor asVolume = new Tensor("v", slices.shape(), slices.data());
      for (int window : new int[] {3, 0}) {
        var spec = jun2021(c, List.of(View.AXIAL), window, 0);
        TaskHead head = TaskHead.classify(1, AuthorsFixture.grid(asVolume), 2);
        try (Model m = build(spec, head, 1)) {
          m.importWeights(f.weights(), false);
          Map<String, float[]> probes = m.probes(Batch.inputs(1, head, AuthorsFixture.toBrainbench(asVolume)));
          close(probes.get("encoding_axial"), f.output(window == 3 ? "encoding_fixed_window" : "encoding_whole_plane"), tolerance,
              name + " window " + window);
        }
      }
      return;
    }
    Tensor volume = f.inputs().get("volume");
    int batch = (int) volume.shape()[0];
    float[] images = AuthorsFixture.toBrainbench(volume);
    boolean triplet = name.contains("triplet");
    var spec = jun2021(c, List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), triplet ? 0 : c.path("pool_window").asInt(), c.path("max_slicelen").asInt());
    TaskHead head = TaskHead.pretrain(1, AuthorsFixture.grid(volume), triplet ? Objective.TRIPLET : Objective.MASKED_ENCODING);
    Map<String, int[]> masks = new LinkedHashMap<>();
    Map<String, double[]> curves = new LinkedHashMap<>();
    for (View v : View.values()) {
      Tensor idx = f.inputs().get("mask_index_" + v.id());
      if (idx != null) {
        int[] ints = new int[idx.data().length];
        for (int i = 0; i < ints.length; i++) {
          ints[i] = (int) idx.data()[i];
        }
        masks.put(v.id(), ints);
      }
      JsonNode curve = f.config().path("bezier_curves").path(v.id());
      if (!curve.isMissingNode()) {
        curves.put(v.id(), new double[] {curve.path("p1").get(0).asDouble(), curve.path("p1").get(1).asDouble(), curve.path("p2").get(0).asDouble(),
          curve.path("p2").get(1).asDouble(), curve.path("inverted").asBoolean() ? 1 : 0});
      }
    }
    Batch in = Batch.inputs(batch, head, images).withDraws(new Batch.Draws(masks, curves));
    try (Model m = build(spec, head, 1)) {
      m.importWeights(f.weights()); // strict: the authors' state dict is the whole model
      JsonNode expected = f.config().path("expected_params");
      if (triplet) {
        assertThat(m.parameterCount().total()).isEqualTo(expected.path("stage1_model").asLong());
      } else {
        assertThat(m.parameterCount()).isEqualTo(new ParameterCount(expected.path("stage2_model").asLong(), expected.path("stage2_trainable").asLong()));
      }
      assertThat(m.parameterCount().total()).isEqualTo(spec.parameterCount(head));
      assertThat(m.parameterCount().trainable()).isEqualTo(spec.trainableCount(head));
      Map<String, float[]> probes = m.probes(in);
      for (View v : View.values()) {
        for (String key : triplet ? List.of("anchor_", "positive_", "loss_") : List.of("encoding_", "transformer_", "mse_")) {
          close(probes.get(key + v.id()), f.output(key + v.id()), tolerance, name + " " + key + v.id());
        }
      }
      close(probes.get("loss"), f.output(triplet ? "loss_total" : "loss"), tolerance, name + " loss");
      assertThat(m.evaluateLoss(in)).as(name + " evaluateLoss").isCloseTo(f.output(triplet ? "loss_total" : "loss").data()[0],
          org.assertj.core.data.Percentage.withPercentage(100 * tolerance));
    }
  }

  private static org.brainbench.api.model.MedicalTransformerJun2021Spec jun2021(JsonNode c, List<View> views, int poolWindow, int positionBase) {
    return new org.brainbench.api.model.MedicalTransformerJun2021Spec(views, c.path("inplanes").asInt(), c.path("d_f").asInt(), c.path("num_stack").asInt(),
        c.path("num_heads").asInt(), c.path("d_k").asInt(), c.path("d_ff").asInt(), c.path("dropout").asDouble(), c.path("mask_ratio").asDouble(),
        poolWindow, positionBase, c.path("margin").asDouble(), "");
  }

  /** Every value within {@code tolerance} of the reference's, relative to the reference's largest magnitude. */
  static Stream<String> sfcnCases() {
    return AuthorsFixture.cases("sfcn-");
  }

  /**
   * SFCN (cnn3d, protocol peng2021) computes the authors' function: their state dict loads by name,
   * the parameter count is their class's, and the outputs and losses equal their code's on the
   * fixtures (tools/authors-reference/sfcn.py): the brain-age model's expected age and KL loss
   * against Gaussian soft labels, the sex model's log-probabilities and NLL.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sfcnCases")
  void reproducesTheAuthorsSfcn(String name) {
    AuthorsFixture f = AuthorsFixture.load(name);
    JsonNode hp = f.config().path("hyperparameters");
    List<Integer> channels = new ArrayList<>();
    hp.path("channel_number").forEach(n -> channels.add(n.asInt()));
    Tensor images = f.inputs().get("images");
    long[] s = images.shape();
    int batch = (int) s[0];
    int[] grid = {(int) s[2], (int) s[3], (int) s[4]};
    boolean age = name.contains("brainage");
    var spec = new org.brainbench.api.model.Cnn3dPeng2021Spec(channels, hp.path("dropout_p").asDouble(), age ? List.of(42.0, 82.0) : List.of(), 1.0, 1.0,
        "");
    TaskHead head = age ? TaskHead.regress(1, grid) : TaskHead.classify(1, grid, hp.path("output_dim").asInt());
    try (Model m = build(spec, head, 1)) {
      m.importWeights(spec.convertWeights(f.weights(), head, 1)); // strict: their state dict is the whole model
      assertThat(m.parameterCount().total()).isEqualTo(f.config().path("paramCount").asLong()).isEqualTo(spec.parameterCount(head));
      Batch in = Batch.inputs(batch, head, images.data());
      assertThat(m.embeddings(in)[0]).as("the pooled features").hasSize(channels.get(channels.size() - 1));
      if (age) {
        float[] ages = f.inputs().get("ages").data();
        float[][] out = m.outputs(in);
        for (int i = 0; i < batch; i++) {
          assertThat(out[i][0]).as("%s expected age of scan %d", name, i).isCloseTo(f.output("expected_age").data()[i], org.assertj.core.data.Offset.offset(1e-3f));
        }
        float loss = m.evaluateLoss(new Batch(batch, head, images.data(), null, ages, null));
        assertThat(loss).as(name + " KL").isCloseTo(f.output("kl_loss").data()[0], org.assertj.core.data.Percentage.withPercentage(0.01));
      } else {
        float[][] logits = m.outputs(in);
        float[] logProbs = f.output("log_probs").data();
        int k = head.outputs();
        for (int i = 0; i < batch; i++) {
          double max = Math.max(logits[i][0], logits[i][1]);
          double norm = 0;
          for (float z : logits[i]) {
            norm += Math.exp(z - max);
          }
          for (int c = 0; c < k; c++) {
            assertThat(logits[i][c] - max - Math.log(norm)).as("%s log p(%d) of scan %d", name, c, i).isCloseTo(logProbs[i * k + c], within(1e-4));
          }
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
          labels[i] = (int) f.inputs().get("labels").data()[i];
        }
        float loss = m.evaluateLoss(new Batch(batch, head, images.data(), labels, null, null));
        assertThat(loss).as(name + " NLL").isCloseTo(f.output("nll_loss").data()[0], org.assertj.core.data.Percentage.withPercentage(0.01));
      }
    }
  }

  static Stream<String> sliceSetCases() {
    return AuthorsFixture.cases("slice-set-");
  }

  /**
   * The slice-set network (slice-cnn, protocol gupta2021) computes the authors' function: their
   * state dict loads by name, the parameter count is their class's, and the prediction and the loss
   * equal their code's on the fixtures (tools/authors-reference/slice_set.py): encoder1 with pooled
   * attention of one and two heads, mean and max, all three views, with and without the position
   * table; the ResNet-18 encoder (torchvision's names, batch norm's running statistics) with the
   * position table.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sliceSetCases")
  void reproducesTheAuthorsSliceSetNetwork(String name) {
    AuthorsFixture f = AuthorsFixture.load(name);
    JsonNode hp = f.config().path("hyperparameters");
    List<Integer> channels = new ArrayList<>();
    hp.path("encoder_channels").forEach(n -> channels.add(n.asInt()));
    Tensor images = f.inputs().get("images"); // (B, 1, H, W, D) in the authors' (x, y, z) order
    long[] s = images.shape();
    Tensor volume = new Tensor("v", new long[] {s[0], s[2], s[3], s[4]}, images.data());
    int batch = (int) s[0];
    int[] grid = AuthorsFixture.grid(volume);
    View view = switch (hp.path("slice_dim").asInt()) {
      case 1 -> View.SAGITTAL;
      case 2 -> View.CORONAL;
      default -> View.AXIAL;
    };
    org.brainbench.api.model.SliceSetAggregation aggregation = switch (hp.path("agg_fn").asText()) {
      case "attention" -> org.brainbench.api.model.SliceSetAggregation.POOLED_ATTENTION;
      case "max" -> org.brainbench.api.model.SliceSetAggregation.MAX;
      default -> org.brainbench.api.model.SliceSetAggregation.MEAN;
    };
    boolean classify = f.inputs().containsKey("labels");
    var spec = "resnet18".equals(hp.path("encoder_2d").asText())
        ? org.brainbench.api.model.SliceCnnGupta2021Spec.resnet18(view, hp.path("resnet_widths").path(0).asInt(), hp.path("width").asInt(),
            hp.path("attn_num_heads").asInt(), aggregation, hp.path("use_position_encoding").asBoolean(), hp.path("regressor_bias").asDouble())
        : org.brainbench.api.model.SliceCnnGupta2021Spec.encoder1(view, channels, hp.path("post_channels").asInt(), hp.path("width").asInt(),
            hp.path("attn_num_heads").asInt(), aggregation, hp.path("use_position_encoding").asBoolean(), hp.path("dropout_p").asDouble(),
            hp.path("regressor_bias").asDouble());
    TaskHead head = classify ? TaskHead.classify(1, grid, 2) : TaskHead.regress(1, grid);
    // the same options at the authors' widths and grid: their class's count
    JsonNode full = f.config().path("paramCountAuthorsDefaultConfig");
    JsonNode v = full.path("volume_shape");
    int[] theirGrid = {v.path(2).asInt(), v.path(1).asInt(), v.path(0).asInt()}; // their (x, y, z) as (z, y, x)
    int theirWidth = full.path("attn_num_heads").asInt() * full.path("attn_dim").asInt();
    var theirs = "resnet18".equals(full.path("encoder_2d").asText())
        ? org.brainbench.api.model.SliceCnnGupta2021Spec.resnet18(view, 64, theirWidth, full.path("attn_num_heads").asInt(), aggregation,
            full.path("use_position_encoding").asBoolean(), 0)
        : org.brainbench.api.model.SliceCnnGupta2021Spec.encoder1(view, List.of(32, 64, 128, 256, 256), 64, theirWidth, full.path("attn_num_heads").asInt(),
            aggregation, full.path("use_position_encoding").asBoolean(), 0.5, 0);
    TaskHead theirHead = classify ? TaskHead.classify(1, theirGrid, 2) : TaskHead.regress(1, theirGrid);
    assertThat(theirs.parameterCount(theirHead)).as(name + " at the authors' widths and grid").isEqualTo(f.config().path("paramCountAuthorsDefault").asLong());
    TrainingConfig mse = new TrainingConfig(10, 4, OptimizerKind.ADAM, 1e-4, 1e-4, 0.9, 0, 0, 0, RegressionLoss.MSE, Augmentation.none());
    try (Model m = backend().newModel(spec, head, mse, 1)) {
      m.importWeights(spec.convertWeights(f.weights(), head, 1)); // strict: their state dict is the whole model
      assertThat(m.parameterCount().total()).isEqualTo(f.config().path("paramCount").asLong()).isEqualTo(spec.parameterCount(head));
      float[] images3d = AuthorsFixture.toBrainbench(volume);
      float[][] out = m.outputs(Batch.inputs(batch, head, images3d));
      float[] expected = f.output("y_pred").data();
      for (int i = 0; i < batch; i++) {
        assertThat(out[i][0]).as("%s prediction of scan %d", name, i).isCloseTo(expected[i], within((float) (1e-3 * Math.max(1, Math.abs(expected[i])))));
      }
      if (classify) {
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
          labels[i] = Math.round(f.inputs().get("labels").data()[i]);
        }
        assertThat(m.evaluateLoss(new Batch(batch, head, images3d, labels, null, null))).as(name + " BCE")
            .isCloseTo(f.output("bce_loss").data()[0], org.assertj.core.data.Percentage.withPercentage(0.01));
        float[][] p = m.predict(Batch.inputs(batch, head, images3d));
        assertThat(p[0][1]).as("P(AD) is the sigmoid of the logit").isCloseTo((float) (1 / (1 + Math.exp(-expected[0]))), within(1e-5f));
      } else {
        assertThat(m.evaluateLoss(new Batch(batch, head, images3d, null, f.inputs().get("ages").data(), null))).as(name + " MSE")
            .isCloseTo(f.output("mse_loss").data()[0], org.assertj.core.data.Percentage.withPercentage(0.01));
      }
    }
  }

  /**
   * TransSeg (inflated-vit, protocol zhang2022) computes the authors' function: their state dict
   * loads by name, the parameter count is their class's (the fixture's, BraTS' and their defaults'),
   * and on the fixture (tools/authors-reference/transseg.py) the volume's logits (every slice's
   * window, the centre slice predicted), the Dice plus focal loss with every slice a sample, and the
   * mean last-block token (the classify and regress heads' input, before their LayerNorm) equal
   * their code's.
   */
  @Test
  void reproducesTheAuthorsTransSeg() {
    AuthorsFixture f = AuthorsFixture.load("inflated-vit-zhang2022-tiny");
    JsonNode c = f.config().path("config");
    List<Integer> taps = new ArrayList<>();
    c.path("taps").forEach(n -> taps.add(n.asInt()));
    var spec = new org.brainbench.api.model.InflatedVitZhang2022Spec(c.path("patch").asInt(), c.path("window").asInt(), c.path("dim").asInt(),
        c.path("depth").asInt(), c.path("heads").asInt(), c.path("mlp_dim").asInt(), taps, c.path("decoder_dropout").asDouble(), "", "",
        org.brainbench.api.model.PatchInflation.CENTERING);
    var full = org.brainbench.api.model.InflatedVitZhang2022Spec.defaults();
    assertThat(full.parameterCount(TaskHead.segment(4, new int[] {155, 240, 240}, 4))).as("BraTS: 4 channels, 4 classes, 240x240").isEqualTo(164_051_908L);
    assertThat(full.parameterCount(TaskHead.segment(1, new int[] {5, 512, 512}, 14))).as("main.py's defaults").isEqualTo(161_560_910L);
    Tensor volume = f.inputs().get("volume"); // (1, C, H, W, S): slices along the last axis
    long[] s = volume.shape();
    int channels = (int) s[1];
    int[] grid = {(int) s[4], (int) s[2], (int) s[3]}; // brainbench's (z, y, x) = their (S, H, W)
    float[] images = slicesFirst(volume.data(), channels, grid);
    int classes = c.path("num_classes").asInt();
    TaskHead segment = TaskHead.segment(channels, grid, classes);
    try (Model m = build(spec, segment, 1)) {
      m.importWeights(spec.convertWeights(f.weights(), segment, channels)); // strict: their state dict is the whole model
      assertThat(m.parameterCount().total()).isEqualTo(f.config().path("parameters").path("case").path("total").asLong())
          .isEqualTo(spec.parameterCount(segment));
      Batch in = Batch.inputs(1, segment, images);
      float[] logits = m.outputs(in)[0]; // (K, z, y, x)
      Tensor expected = f.output("volume.logits"); // (1, K, H, W, S)
      close(logits, new Tensor("logits", expected.shape(), slicesFirst(expected.data(), classes, grid)), 1e-4, "volume logits");
      float[] targets = slicesFirst(f.inputs().get("volume.targets").data(), 1, grid);
      byte[] voxels = new byte[targets.length];
      for (int i = 0; i < voxels.length; i++) {
        voxels[i] = (byte) targets[i];
      }
      float loss = m.evaluateLoss(new Batch(1, segment, images, null, null, voxels));
      assertThat(loss).as("Dice + focal, every slice a sample").isCloseTo(f.output("volume.loss.total").data()[0],
          org.assertj.core.data.Percentage.withPercentage(0.01));
    }
    TaskHead age = TaskHead.regress(channels, grid);
    try (Model m = build(spec, age, 1)) {
      ImportReport report = m.importWeights(spec.convertWeights(f.weights(), age, channels), false);
      assertThat(report.missing()).as("only the head is not theirs").allMatch(n -> n.startsWith("head"));
      float[] pooled = f.output("volume.pooled").data();
      double mean = 0;
      for (float v : pooled) {
        mean += v / pooled.length;
      }
      double var = 0;
      for (float v : pooled) {
        var += (v - mean) * (v - mean) / pooled.length;
      }
      float[] normed = new float[pooled.length];
      for (int i = 0; i < pooled.length; i++) {
        normed[i] = (float) ((pooled[i] - mean) / Math.sqrt(var + 1e-6)); // the head's LayerNorm at its initial 1 and 0
      }
      close(m.embeddings(Batch.inputs(1, age, images))[0], new Tensor("pooled", new long[] {normed.length}, normed), 1e-4,
          "LayerNorm of the mean last-block token over every window");
    }
  }

  /** Their (B, C, H, W, S) layout, slices last, as brainbench's (B, C, z, y, x) with z = S, y = H, x = W. */
  private static float[] slicesFirst(float[] theirs, int channels, int[] grid) {
    int z = grid[0];
    int h = grid[1];
    int w = grid[2];
    float[] out = new float[theirs.length];
    int per = channels * z * h * w;
    for (int b = 0; b < theirs.length / per; b++) {
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int k = 0; k < z; k++) {
              out[b * per + ((c * z + k) * h + y) * w + x] = theirs[b * per + ((c * h + y) * w + x) * z + k];
            }
          }
        }
      }
    }
    return out;
  }

  static void close(float[] actual, Tensor expected, double tolerance, String what) {
    assertThat(actual).as(what + ": computed").isNotNull();
    float[] e = expected.data();
    assertThat(actual).as(what + ": size").hasSize(e.length);
    double scale = 1e-6;
    double worst = 0;
    for (int i = 0; i < e.length; i++) {
      scale = Math.max(scale, Math.abs(e[i]));
      worst = Math.max(worst, Math.abs(actual[i] - e[i]));
    }
    // printed as well as asserted: the margin under the tolerance is what a maintainer watches
    System.out.printf(java.util.Locale.ROOT, "reference agreement %s: max |difference| / max |reference| = %.2e (tolerance %.0e)%n", what, worst / scale, tolerance);
    assertThat(worst / scale).as(what + ": max |difference| / max |reference| (scale %.3g)", scale).isLessThanOrEqualTo(tolerance);
  }
}
