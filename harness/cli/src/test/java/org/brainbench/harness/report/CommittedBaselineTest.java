package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.brainbench.harness.compare.RegressionCheck;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.SuiteReader;
import org.junit.jupiter.api.Test;

/**
 * The committed CI baseline belongs to the regression suite as it is now: recorded from this very
 * suite file, every condition the suite runs present, each with enough ok seeds for the test. A
 * suite edited without re-recording its baseline fails here rather than in a CI run.
 */
class CommittedBaselineTest {
  private static final Path SUITE = Path.of("../../suites/regression.yaml");
  private static final Path BASELINES = Path.of("../../results/baselines/regression");

  @Test
  void everyHardwareClassBaselineMatchesTheRegressionSuite() throws IOException {
    String suiteHash = org.brainbench.harness.run.Hashes.sha256(Files.readAllBytes(SUITE));
    List<String> conditions = new ArrayList<>();
    for (Cell c : CellMatrix.expand(SuiteReader.read(SUITE), new ArrayList<>())) {
      conditions.add(RegressionCheck.condition(c.id()));
    }
    List<Path> classes;
    try (Stream<Path> dirs = Files.list(BASELINES)) {
      classes = dirs.filter(d -> Files.isRegularFile(d.resolve(ResultsFile.NAME))).sorted().toList();
    }
    assertThat(classes).as("hardware-class baselines in " + BASELINES).isNotEmpty();
    for (Path folder : classes) {
      Map<String, Integer> seeds = new TreeMap<>();
      for (Run run : Runs.read(List.of(folder))) {
        ResultRow r = run.row();
        assertThat(r.ok()).as(folder + ": " + r.cell()).isTrue();
        assertThat(r.provenance().suiteHash()).as(folder + ": " + r.cell() + " was recorded from another version of " + SUITE).isEqualTo(suiteHash);
        assertThat(r.provenance().hardwareClass()).as(folder + ": the folder names the rows' class")
            .isNotNull().satisfies(h -> assertThat(folder.getFileName().toString()).isEqualTo(org.brainbench.harness.compare.BaselineChoice.folder(h)));
        seeds.merge(RegressionCheck.condition(r.cell()), 1, Integer::sum);
      }
      for (String condition : conditions) {
        assertThat(seeds.getOrDefault(condition, 0)).as(folder + ": seeds of " + condition).isGreaterThanOrEqualTo(RegressionCheck.MIN_BASELINE_SEEDS);
      }
    }
  }
}
