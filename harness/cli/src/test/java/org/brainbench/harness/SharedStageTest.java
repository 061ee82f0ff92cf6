package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage with its own seed runs once for every seed's cells, on a built-in cohort of its own size. */
class SharedStageTest {
  @Test
  void oneStageOnItsOwnCohortServesEverySeed(@TempDir Path dir) throws IOException {
    Path suite = dir.resolve("shared.yaml");
    Files.copy(Path.of("src/test/resources/shared-stage-suite.yaml"), suite);
    BrokenSuitesTest.Result run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    Map<String, ObjectNode> rows = RunSuiteTest.rows(dir.resolve("out"));
    assertThat(rows.keySet()).containsExactlyInAnyOrder("pre/mt/djl/s7/f0/p1", "cls/mt/djl/s1/f0/p1", "cls/mt/djl/s2/f0/p1");
    ObjectNode stage = rows.get("pre/mt/djl/s7/f0/p1");
    int scans = stage.get("split").get("train").asInt() + stage.get("split").get("validation").asInt();
    assertThat(scans).as("the stage's cohort: 16 subjects per task, twice for pre-training").isEqualTo(32);
    assertThat(rows.get("cls/mt/djl/s1/f0/p1").get("split").get("train").asInt() + rows.get("cls/mt/djl/s1/f0/p1").get("split").get("validation").asInt()
        + rows.get("cls/mt/djl/s1/f0/p1").get("split").get("test").asInt()).as("the task keeps the suite's cohort").isLessThan(32);
    for (String cell : new String[] {"cls/mt/djl/s1/f0/p1", "cls/mt/djl/s2/f0/p1"}) {
      assertThat(rows.get(cell).get("status").asText()).as(rows.get(cell).toString()).isEqualTo("ok");
      assertThat(rows.get(cell).get("init").get("from").asText()).isEqualTo("pretrained:pre");
    }
    assertThat((run.out() + run.err()).split("pre-training stage pre/", -1).length - 1).as("the stage ran once").isEqualTo(1);
  }
}
