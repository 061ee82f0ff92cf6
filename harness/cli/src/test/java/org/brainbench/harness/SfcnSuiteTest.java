package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SFCN (cnn3d, protocol peng2021) in a suite on both backends: brain age is predicted in years from
 * bins derived from the training ages (so the classifier's size, and the count the row checks,
 * follow the data), and the predictions stay inside the bins' range.
 */
class SfcnSuiteTest {
  @Test
  void brainAgeBySoftClassificationAndClassificationRunOnBothBackends(@TempDir Path dir) throws IOException {
    Path suite = dir.resolve("sfcn.yaml");
    Files.copy(Path.of("src/test/resources/sfcn-suite.yaml"), suite);
    BrokenSuitesTest.Result run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    Map<String, ObjectNode> rows = RunSuiteTest.rows(dir.resolve("out"));
    for (String backend : List.of("djl", "dl4j")) {
      for (String task : List.of("cls", "age")) {
        ObjectNode row = rows.get(task + "/sfcn/" + backend + "/s1/f0/p1");
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("ok");
        assertThat(row.get("protocol").asText()).isEqualTo("peng2021");
        assertThat(row.get("params").get("total").asLong()).as("the built model is the spec fitted to the data").isEqualTo(row.get("params").get("spec").asLong());
      }
      List<String> predictions = Files.readAllLines(dir.resolve("out/predictions/age/sfcn/" + backend + "/s1/f0/p1.csv"));
      assertThat(predictions).hasSizeGreaterThan(1);
      int column = List.of(predictions.get(0).split(",")).indexOf("prediction");
      for (String line : predictions.subList(1, predictions.size())) {
        double age = Double.parseDouble(line.split(",")[column]);
        assertThat(age).as("an expectation of bin centres, in years").isBetween(10.0, 110.0);
      }
    }
    long bins = rows.get("age/sfcn/djl/s1/f0/p1").get("params").get("total").asLong() - rows.get("cls/sfcn/djl/s1/f0/p1").get("params").get("total").asLong();
    assertThat(bins % 5).as("the classifier has (4 + 1) parameters per extra bin").isZero();
  }
}
