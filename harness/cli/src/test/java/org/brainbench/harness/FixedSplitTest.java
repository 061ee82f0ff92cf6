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
 * {@code split.seed} gives every seed of a task one split, so seeds differ only in training (the
 * regression gate's seeds then measure training's spread, not the test sets'); without it each
 * seed draws its own split.
 */
class FixedSplitTest {
  static final String SUITE = """
      name: fixed-split
      builtin: {shape: 16, subjects: 16, seed: 5}
      cache: cache
      datasets: {cls: builtin:classify}
      preprocess: {shape: 16}
      tasks:
        - {name: fixed, type: classify, dataset: cls, classes: [CN, AD], split: {test: 0.3, validation: 0.2, seed: 11}}
        - {name: own, type: classify, dataset: cls, classes: [CN, AD], split: {test: 0.3, validation: 0.2}}
      models:
        - {name: mt, id: medical-transformer, params: {protocol: ema, encoderChannels: [4, 8], embedDim: 16, depth: 1, heads: 2, dropout: 0}}
      training: {epochs: 1, batchSize: 4}
      seeds: [1, 2]
      backends: [djl]
      threads: 1
      """;

  @Test
  void aSplitSeedGivesEverySeedTheSameSplitAndOnlyTrainingVaries(@TempDir Path dir) throws IOException {
    Path suite = dir.resolve("fixed-split.yaml");
    Files.writeString(suite, SUITE);
    BrokenSuitesTest.Result run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    Map<String, ObjectNode> rows = RunSuiteTest.rows(dir.resolve("out"));
    assertThat(splitHash(rows, "fixed/mt/djl/s1/f0/p1")).isEqualTo(splitHash(rows, "fixed/mt/djl/s2/f0/p1"));
    assertThat(splitHash(rows, "own/mt/djl/s1/f0/p1")).isNotEqualTo(splitHash(rows, "own/mt/djl/s2/f0/p1"));
    assertThat(rows.get("fixed/mt/djl/s1/f0/p1").get("history").get(0).get("trainLoss").asDouble())
        .as("the seeds still train differently").isNotEqualTo(rows.get("fixed/mt/djl/s2/f0/p1").get("history").get(0).get("trainLoss").asDouble());
  }

  private static String splitHash(Map<String, ObjectNode> rows, String cell) {
    return rows.get(cell).get("provenance").get("splitHash").asText();
  }
}
