package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite's {@code tune:} block: every trial is scored on validation subjects, the best trial's
 * settings train the cell, the first seed's choice serves the second, and a re-run reuses the
 * search instead of repeating it.
 */
class TuneTest {
  @TempDir static Path dir;
  static BrokenSuitesTest.Result run;
  static Map<String, ObjectNode> rows;

  @BeforeAll
  static void runSuite() throws IOException {
    Path suite = dir.resolve("tune.yaml");
    Files.copy(Path.of("src/test/resources/tune-suite.yaml"), suite);
    run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    rows = RunSuiteTest.rows(dir.resolve("out"));
  }

  @Test
  void theBestOfEveryTrialOnTheValidationSubjectsTrainsTheCell() {
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    ObjectNode first = rows.get("cls/cnn/djl/s1/f0/p1");
    JsonNode tuning = first.get("tuning");
    assertThat(tuning.get("search").asText()).isEqualTo("grid");
    assertThat(tuning.get("metric").asText()).as("the task's first metric").isEqualTo("auc");
    assertThat(tuning.get("trials")).hasSize(4);
    JsonNode best = null;
    for (JsonNode t : tuning.get("trials")) {
      assertThat(t.get("score").isNumber()).as(t.toString()).isTrue();
      if (best == null || t.get("score").asDouble() > best.get("score").asDouble()) {
        best = t;
      }
    }
    assertThat(tuning.get("chosen")).isEqualTo(best.get("settings"));
    // the cell trains exactly as its best trial did: the same subjects, seed and settings, so its
    // validation score at its best epoch is the trial's score (the test subjects decided nothing)
    int bestEpoch = first.get("bestEpoch").asInt();
    assertThat(first.get("history").get(bestEpoch - 1).get("validation").asDouble()).isEqualTo(best.get("score").asDouble());
    assertThat(first.get("epochs").asInt()).isEqualTo(best.get("settings").get("epochs").asInt());
    assertThat(first.get("history").get(0).get("learningRate").asDouble()).isLessThanOrEqualTo(best.get("settings").get("learningRate").asDouble());
  }

  @Test
  void theFirstSeedsChoiceServesTheSecondSeed() {
    JsonNode first = rows.get("cls/cnn/djl/s1/f0/p1").get("tuning");
    JsonNode second = rows.get("cls/cnn/djl/s2/f0/p1").get("tuning");
    assertThat(second.get("scope").asText()).isEqualTo("first-seed");
    assertThat(second.get("tunedOn").asText()).isEqualTo("cls/cnn/djl/s1/f0/p1");
    assertThat(second).isEqualTo(first);
    assertThat(dir.resolve("out/tuning/cls_cnn_djl_s1_f0_p1.json")).exists();
    assertThat(run.err().split("tune cls/cnn/djl/s1/f0/p1 1/4", -1).length - 1).as("the search ran once").isLessThanOrEqualTo(1);
  }

  @Test
  void aRerunReusesTheSearch() throws IOException {
    Path out = dir.resolve("again");
    Files.createDirectories(out.resolve("tuning"));
    Files.copy(dir.resolve("out/tuning/cls_cnn_djl_s1_f0_p1.json"), out.resolve("tuning/cls_cnn_djl_s1_f0_p1.json"));
    BrokenSuitesTest.Result again = BrokenSuitesTest.cli("run", dir.resolve("tune.yaml").toString(), "--out", out.toString(), "--only", "cls/cnn/djl/s2/f0/p1");
    assertThat(again.exit()).as(again.out() + again.err()).isZero();
    assertThat(again.err()).doesNotContain("tune cls/cnn");
    assertThat(RunSuiteTest.rows(out).get("cls/cnn/djl/s2/f0/p1").get("metrics")).isEqualTo(rows.get("cls/cnn/djl/s2/f0/p1").get("metrics"));
  }
}
