package org.brainbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import org.brainbench.harness.suite.TrainingPatch;
import org.junit.jupiter.api.Test;

/**
 * {@code run --resume} keeps a finished cell only when its configuration hash is the one its row
 * recorded: the hash must not change from one JVM to the next (it once did for cells that start
 * from a pre-training stage, whose text held an unordered map).
 */
class ConfigHashStabilityTest {
  static final Path SUITE = Path.of("../../suites/regression.yaml");

  /** Prints every cell's configuration hash, one per line (what the test runs in fresh JVMs). */
  public static void main(String[] args) {
    Suite suite = SuiteReader.read(Path.of(args[0]));
    CellRunner runner = new CellRunner(suite, Path.of("unused"), "test", true);
    for (Cell cell : CellMatrix.expand(suite, new ArrayList<>())) {
      System.out.println(cell.id() + " " + runner.configHash(cell, CellMatrix.head(cell.task(), cell.model(), 1)));
    }
  }

  private static String hashesInAFreshJvm() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), ConfigHashStabilityTest.class.getName(), SUITE.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void everyCellsHashIsTheSameInEveryJvm() throws Exception {
    String first = hashesInAFreshJvm();
    assertThat(first.lines().filter(l -> l.contains("/mt-ema/")).count()).isEqualTo(9); // cells that start from a stage
    // Map.copyOf orders a map by a salt drawn at JVM start: four fresh JVMs see different orders
    for (int i = 0; i < 3; i++) {
      assertThat(hashesInAFreshJvm()).isEqualTo(first);
    }
  }

  @Test
  void trainingSettingsPrintInKeyOrder() {
    TrainingPatch p = new TrainingPatch(Map.of("weightDecay", 0.1, "epochs", 3, "learningRate", 0.001, "batchSize", 8, "optimizer", "adam",
        "momentum", 0.9));
    assertThat(p.toString()).isEqualTo("TrainingPatch[values={batchSize=8, epochs=3, learningRate=0.001, momentum=0.9, optimizer=adam, weightDecay=0.1}]");
    assertThat(List.copyOf(p.values().keySet())).isSorted();
  }
}
