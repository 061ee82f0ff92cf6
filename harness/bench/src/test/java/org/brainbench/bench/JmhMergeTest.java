package org.brainbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partial re-run updates its rows of the published benchmark file and keeps the others. */
class JmhMergeTest {
  @TempDir Path dir;

  @Test
  void freshRowsReplaceTheirNamesakesAndTheRestIsKept() throws Exception {
    Path existing = dir.resolve("steps.json");
    Files.writeString(existing, """
        [{"benchmark": "B.trainStep", "params": {"backend": "djl", "size": "32"}, "primaryMetric": {"score": 100}},
         {"benchmark": "B.trainStep", "params": {"backend": "dl4j", "size": "32"}, "primaryMetric": {"score": 900}}]""");
    Path fresh = dir.resolve("fresh.json");
    Files.writeString(fresh, """
        [{"benchmark": "B.trainStep", "params": {"backend": "djl", "size": "32"}, "primaryMetric": {"score": 80}},
         {"benchmark": "B.inference", "params": {"backend": "djl", "size": "32"}, "primaryMetric": {"score": 30}}]""");

    JmhMerge.main(new String[] {existing.toString(), fresh.toString()});

    JsonNode rows = new ObjectMapper().readTree(existing.toFile());
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).at("/primaryMetric/score").asDouble()).isEqualTo(80);
    assertThat(rows.get(1).at("/params/backend").asText()).isEqualTo("dl4j");
    assertThat(rows.get(1).at("/primaryMetric/score").asDouble()).isEqualTo(900);
    assertThat(rows.get(2).path("benchmark").asText()).isEqualTo("B.inference");
    assertThat(dir.resolve("steps.json.merge.tmp")).doesNotExist();
  }

  @Test
  void bestKeepsTheFasterOfTwoRounds() throws Exception {
    Path rounds = dir.resolve("rounds.json");
    Files.writeString(rounds, """
        [{"benchmark": "B.trainStep", "params": {"model": "a"}, "primaryMetric": {"score": 100}},
         {"benchmark": "B.trainStep", "params": {"model": "b"}, "primaryMetric": {"score": 50}}]""");
    Path second = dir.resolve("second.json");
    Files.writeString(second, """
        [{"benchmark": "B.trainStep", "params": {"model": "a"}, "primaryMetric": {"score": 90}},
         {"benchmark": "B.trainStep", "params": {"model": "b"}, "primaryMetric": {"score": 70}}]""");

    JmhMerge.main(new String[] {"--best", rounds.toString(), second.toString()});

    JsonNode rows = new ObjectMapper().readTree(rounds.toFile());
    assertThat(rows).extracting(r -> r.at("/primaryMetric/score").asDouble()).containsExactly(90.0, 50.0);
  }

  @Test
  void sampledRunsAreComparedByTheirMedianStep() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode sampled = json.readTree("""
        {"mode": "sample", "primaryMetric": {"score": 24.0, "scorePercentiles": {"0.0": 20.2, "50.0": 22.0, "99.0": 56.4}}}""");
    JsonNode averaged = json.readTree("""
        {"mode": "avgt", "primaryMetric": {"score": 21.5}}""");

    assertThat(BenchSummary.typical(sampled)).isEqualTo(22.0);
    assertThat(BenchSummary.typical(averaged)).isEqualTo(21.5);
  }

  @Test
  void withoutAnExistingFileTheFreshOneIsTaken() throws Exception {
    Path fresh = dir.resolve("fresh.json");
    Files.writeString(fresh, "[{\"benchmark\": \"B.x\", \"params\": {}}]");
    Path target = dir.resolve("nifti.json");

    JmhMerge.main(new String[] {target.toString(), fresh.toString()});

    assertThat(new ObjectMapper().readTree(target.toFile())).hasSize(1);
  }
}
