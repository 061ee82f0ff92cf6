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
 * DJL and Deeplearning4j in one JVM through the command line: {@code parity} finds the same function
 * on both for every quickstart model (the authors' releases and brainbench's variants) and task (and fails when asked for an impossible tolerance), and
 * one suite runs cells on both backends side by side. The backends' own agreement (every catalogue
 * example, training, weights both ways) is the cross-backend contract in backends/integration.
 */
class BackendsTest {
  @TempDir Path dir;

  @Test
  void parityPassesForEveryModelAndTask() {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("parity", "--backends", "djl,dl4j", "--size", "32");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("21 check(s), 0 failed");
    for (String model : new String[] {"sfcn", "mt", "slice-set", "transseg", "cnn3d", "mt-ema", "slice-cnn", "vit-unetr"}) {
      for (String task : new String[] {"classify", "regress"}) {
        assertThat(r.out()).containsPattern("(?m)^" + model + "/" + task + " .* djl/dl4j .* ok$");
      }
    }
    for (String model : new String[] {"transseg", "cnn3d", "mt-ema", "slice-cnn", "vit-unetr"}) {
      assertThat(r.out()).containsPattern("(?m)^" + model + "/segment .* djl/dl4j .* ok$");
    }
  }

  @Test
  void parityFailsWhenOutputsDifferBeyondTheTolerance() {
    // float32 kernels differ in the last bits between the engines: a zero tolerance cannot pass
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("parity", "--backends", "djl,dl4j", "--models", "cnn3d", "--tolerance", "0");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("FAIL");
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
        .replace("  - {name: seg, type: segment, dataset: seg, labels: [1, 2, 4], regions: brats2021, split: {test: 0.3, validation: 0.2}}\n", ""));
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
