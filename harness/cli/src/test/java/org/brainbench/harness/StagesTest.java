package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-training stages at a tiny size: a stage runs once per seed before the cells that start from
 * it, its weights load into them (with the fine-tuning mode's freezing), and a collapsed
 * pre-training (the ablation without the collapse guard) is detected and stops the cells that
 * would build on it.
 */
class StagesTest {
  @TempDir static Path dir;
  static BrokenSuitesTest.Result run;
  static Map<String, ObjectNode> rows;

  @BeforeAll
  static void runSuite() throws IOException {
    Path suite = dir.resolve("stages.yaml");
    Files.copy(Path.of("src/test/resources/stages-suite.yaml"), suite);
    run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    rows = RunSuiteTest.rows(dir.resolve("out"));
  }

  @Test
  void aStageRunsOncePerSeedAndItsWeightsInitialiseTheCells() {
    ObjectNode stage = rows.get("good/mt/djl/s1/f0/p1");
    assertThat(stage.get("status").asText()).as(stage.toString()).isEqualTo("ok");
    assertThat(stage.get("taskType").asText()).isEqualTo("pretrain");
    assertThat(stage.get("metrics").get("collapsed").asBoolean()).isFalse();
    assertThat(dir.resolve("out").resolve(stage.get("weights").asText())).exists();
    assertThat(rows.keySet().stream().filter(k -> k.startsWith("good/"))).hasSize(1);
    for (String cell : new String[] {"cls/mt-frozen/djl/s1/f0/p1", "cls/mt-head/djl/s1/f0/p1"}) {
      ObjectNode row = rows.get(cell);
      assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("ok");
      assertThat(row.get("init").get("from").asText()).isEqualTo("pretrained:good");
      assertThat(row.get("init").get("loaded").asInt()).isPositive();
    }
  }

  @Test
  void fineTuningModesTrainFewerParameters() {
    ObjectNode frozen = rows.get("cls/mt-frozen/djl/s1/f0/p1");
    ObjectNode head = rows.get("cls/mt-head/djl/s1/f0/p1");
    long total = frozen.get("params").get("total").asLong();
    long frozenTrainable = frozen.get("params").get("trainable").asLong();
    long headTrainable = head.get("params").get("trainable").asLong();
    assertThat(frozenTrainable).isLessThan(total);
    assertThat(headTrainable).isLessThan(frozenTrainable);
    assertThat(headTrainable).isEqualTo(16 * 2 + 2); // the linear head on the [CLS] token
  }

  @Test
  void aCollapsedPretrainingIsDetected() {
    ObjectNode stage = rows.get("bad/mt-naive/djl/s1/f0/p1");
    assertThat(stage.get("status").asText()).isEqualTo("failed");
    assertThat(stage.get("error").asText()).startsWith("collapsed: the spread of the slice embeddings fell");
    assertThat(stage.get("metrics").get("collapsed").asBoolean()).isTrue();
    double start = stage.get("metrics").get("embeddingStdStart").asDouble();
    double end = stage.get("metrics").get("embeddingStd").asDouble();
    assertThat(end).isLessThan(0.2 * start);
    ObjectNode cell = rows.get("cls/mt-collapsed/djl/s1/f0/p1");
    assertThat(cell.get("status").asText()).isEqualTo("failed");
    assertThat(cell.get("error").asText()).contains("pre-training stage bad/mt-naive/djl/s1/f0/p1 failed").contains("collapsed");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("pre-training stages").contains("FAILED: collapsed");
  }
}
