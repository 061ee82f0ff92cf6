package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL and Deeplearning4j in one JVM: {@code parity} finds the same function on both for every
 * model and task (and fails when asked for an impossible tolerance), and one suite runs cells on
 * both backends side by side.
 */
class BackendsTest {
  @TempDir Path dir;

  @Test
  void parityPassesForEveryModelAndTask() {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("parity", "--backends", "djl,dl4j", "--size", "32");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("12 check(s), 0 failed");
    for (String model : new String[] {"cnn3d", "medical-transformer", "slice-cnn", "inflated-vit"}) {
      for (String task : new String[] {"classify", "regress", "segment"}) {
        assertThat(r.out()).containsPattern("(?m)^" + model + "/" + task + " .* djl/dl4j .* ok$");
      }
    }
  }

  @Test
  void parityFailsWhenOutputsDifferBeyondTheTolerance() {
    // float32 kernels differ in the last bits between the engines: a zero tolerance cannot pass
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("parity", "--backends", "djl,dl4j", "--models", "cnn3d", "--tolerance", "0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL");
  }

  /**
   * From the same weights on the same batches, the two backends' training losses stay together
   * (forward, loss, gradients, clipping and AdamW all agree); without dropout, whose masks come
   * from each backend's own generator.
   */
  @Test
  void trainingFromTheSameWeightsFollowsTheSameLosses() {
    var cnn = new org.brainbench.api.model.Cnn3dSpec(java.util.List.of(4, 8, 8), 1.0, 0.0, 2);
    var mt = new org.brainbench.api.model.MedicalTransformerSpec(java.util.List.of("sagittal", "coronal", "axial"), "cnn", java.util.List.of(4, 8),
        16, 1, 2, 2.0, 0.0, 0.5, 0.9, true);
    int[] shape = {8, 8, 8};
    for (var c : java.util.List.of(new org.brainbench.harness.parity.ParityCase("cnn3d/segment", cnn, org.brainbench.api.model.TaskHead.segment(1, shape, 3)),
        new org.brainbench.harness.parity.ParityCase("mt/classify", mt, org.brainbench.api.model.TaskHead.classify(1, shape, 2)))) {
      float[][] losses = org.brainbench.harness.parity.Parity.trainTogether(org.brainbench.api.backend.Backends.find("djl"),
          org.brainbench.api.backend.Backends.find("dl4j"), c, 7, 10);
      for (int s = 0; s < losses[0].length; s++) {
        assertThat(losses[1][s]).as(c.name() + " step " + s).isCloseTo(losses[0][s], org.assertj.core.data.Percentage.withPercentage(0.1));
      }
      assertThat(losses[0][losses[0].length - 1]).as(c.name() + " learns").isLessThan(losses[0][0]);
    }
  }

  /** A model saved by one backend (safetensors) loads into the other, both ways, with the same outputs. */
  @Test
  void savedWeightsMoveBetweenBackendsThroughSafetensorsFiles() throws IOException {
    var spec = new org.brainbench.api.model.Cnn3dSpec(java.util.List.of(4, 8, 8), 1.0, 0.0, 2);
    var head = org.brainbench.api.model.TaskHead.regress(1, new int[] {8, 8, 8});
    var training = org.brainbench.api.training.TrainingConfig.defaults();
    float[] images = new float[2 * head.voxels()];
    for (int i = 0; i < images.length; i++) {
      images[i] = (float) Math.sin(i * 0.1);
    }
    var probe = org.brainbench.api.backend.Batch.inputs(2, head, images);
    var djl = org.brainbench.api.backend.Backends.find("djl");
    var dl4j = org.brainbench.api.backend.Backends.find("dl4j");
    try (var a = djl.newModel(spec, head, training, 1); var b = dl4j.newModel(spec, head, training, 2); var c = djl.newModel(spec, head, training, 3)) {
      assertThat(b.outputs(probe)[1][0]).as("different seeds, different weights").isNotCloseTo(a.outputs(probe)[1][0],
          org.assertj.core.data.Offset.offset(1e-4f));
      a.save(dir.resolve("from-djl"));
      b.load(dir.resolve("from-djl"));
      assertThat(b.outputs(probe)[1][0]).isCloseTo(a.outputs(probe)[1][0], org.assertj.core.data.Offset.offset(1e-4f));
      b.save(dir.resolve("from-dl4j"));
      c.load(dir.resolve("from-dl4j"));
      assertThat(c.outputs(probe)[0][0]).isCloseTo(a.outputs(probe)[0][0], org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @Test
  void parityNeedsTwoBackends() {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("parity", "--backends", "djl");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("parity needs two backends");
  }

  @Test
  void oneSuiteRunsBothBackendsApart() throws IOException {
    Path suite = dir.resolve("both.yaml");
    Files.writeString(suite, RunSuiteTest.SUITE.replace("threads: 1", "threads: 1\nbackends: [djl, dl4j]")
        .replace("  - {name: age, type: regress, dataset: age, split: {test: 0.3, validation: 0.2}}\n", "")
        .replace("  - {name: seg, type: segment, dataset: seg, labels: [1, 2, 4], split: {test: 0.3, validation: 0.2}}\n", ""));
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, ObjectNode> rows = RunSuiteTest.rows(dir.resolve("out"));
    assertThat(rows.keySet()).containsExactly("cls/cnn3d/djl/s1/f0/p1", "cls/cnn3d/dl4j/s1/f0/p1");
    ObjectNode djl = rows.get("cls/cnn3d/djl/s1/f0/p1");
    ObjectNode dl4j = rows.get("cls/cnn3d/dl4j/s1/f0/p1");
    assertThat(dl4j.get("status").asText()).isEqualTo("ok");
    assertThat(dl4j.get("provenance").get("backendVersion").asText()).contains("Deeplearning4j");
    assertThat(djl.get("provenance").get("backendVersion").asText()).contains("DJL");
    assertThat(dl4j.get("params").get("total").asLong()).isEqualTo(djl.get("params").get("total").asLong());
  }
}
