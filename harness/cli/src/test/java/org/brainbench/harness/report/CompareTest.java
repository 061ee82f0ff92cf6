package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.brainbench.harness.BrokenSuitesTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare}: the CI regression gate. */
class CompareTest {
  @TempDir Path dir;
  ResultsFixture baseline;
  ResultsFixture current;


  @BeforeEach
  void baseline() throws Exception {
    baseline = new ResultsFixture(dir.resolve("base"));
    baseline.regress("age", "m", 1, 5.0);
    baseline.classify("ad", "m", 1, 0.6, 7, 40);
    current = new ResultsFixture(dir.resolve("now"));
  }

  private BrokenSuitesTest.Result run(String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "compare";
    args[1] = dir.resolve("base").toString();
    args[2] = dir.resolve("now").toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return BrokenSuitesTest.cli(args);
  }

  @Test
  void identicalResultsPass() throws Exception {
    current.regress("age", "m", 1, 5.0);
    current.classify("ad", "m", 1, 0.6, 7, 40);
    BrokenSuitesTest.Result r = run();
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).contains("0 regressed, 0 improved, 4 within tolerance, 0 new");
  }

  @Test
  void aWorseMaeBeyondFivePercentIsARegressionAndSmallerNoiseIsNot() throws Exception {
    current.regress("age", "m", 1, 5.2); // +4%: within the default 5%
    current.classify("ad", "m", 1, 0.6, 7, 40);
    assertThat(run().exit()).isZero();
    current.regress("age", "m", 1, 5.3); // +6%
    BrokenSuitesTest.Result r = run();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("regressed  age/m/djl/s1/f0/p1").contains("mae").contains("+0.3000").contains("±5.00%");
    // a looser tolerance given on the command line lets it pass
    assertThat(run("--tolerance", "mae=10%").exit()).isZero();
    assertThat(run("--tolerance", "mae=0.5").exit()).isZero();
  }

  @Test
  void betterIsReportedButPasses() throws Exception {
    current.regress("age", "m", 1, 3.0);
    current.classify("ad", "m", 1, 0.95, 7, 40);
    BrokenSuitesTest.Result r = run();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("improved");
  }

  @Test
  void missingAndFailedCellsAndChangedParameterCountsAreRegressions() throws Exception {
    current.failed("age", "regress", "m", 1, "loss became NaN");
    BrokenSuitesTest.Result r = run();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("failed: loss became NaN").contains("missing from the results");
    current.regress("age", "m", 1, 5.0);
    ObjectNode cls = current.classify("ad", "m", 1, 0.6, 7, 40);
    ((ObjectNode) cls.get("params")).put("trainable", 401);
    current.put(cls);
    assertThat(run().out()).contains("params.trainable").contains("parameter count changed");
  }

  @Test
  void badToleranceIsAUsageError() throws Exception {
    current.regress("age", "m", 1, 5.0);
    BrokenSuitesTest.Result r = run("--tolerance", "mae=lots");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--tolerance").contains("lots").doesNotContain("\tat ");
  }
}
