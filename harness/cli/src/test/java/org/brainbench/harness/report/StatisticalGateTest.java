package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.brainbench.harness.BrokenSuitesTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compare} with seeds: a metric regresses only when it is worse than its floor and beyond
 * what the seeds' spread explains; per-class baselines; usage errors exit 2.
 */
class StatisticalGateTest {
  @TempDir Path dir;

  private static void maes(ResultsFixture f, double... perSeed) throws Exception {
    for (int s = 0; s < perSeed.length; s++) {
      f.regress("age", "m", s + 1, perSeed[s]);
    }
  }

  private BrokenSuitesTest.Result compare(Path base, Path now, String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "compare";
    args[1] = base.toString();
    args[2] = now.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return BrokenSuitesTest.cli(args);
  }

  @Test
  void noiseTheSeedsExplainPassesWhereTheOldPerCellGateFailed() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0, 6.0, 7.0);
    ResultsFixture now = new ResultsFixture(dir.resolve("now"));
    maes(now, 5.8, 6.6, 7.4); // 10% worse on average, but within the seeds' spread (sd 1)
    BrokenSuitesTest.Result r = compare(base.folder(), now.folder(), "--all");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("age/m/djl/s*/f0/p1").contains("within what the seeds' spread explains").contains("3->3 seeds, sd 1.00->0.800")
        .contains("detectable");
    BrokenSuitesTest.Result perCell = compare(base.folder(), now.folder(), "--method", "tolerance");
    assertThat(perCell.exit()).as("seed by seed, 5.0 -> 5.8 is beyond 5%").isEqualTo(1);
  }

  @Test
  void aShiftBeyondTheSpreadIsARegressionExplainedInOneLine() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0, 5.2, 5.4);
    ResultsFixture now = new ResultsFixture(dir.resolve("now"));
    maes(now, 9.0, 9.2, 9.4);
    BrokenSuitesTest.Result r = compare(base.folder(), now.folder());
    assertThat(r.exit()).isEqualTo(1);
    String line = r.out().lines().filter(l -> l.startsWith("regressed")).findFirst().orElseThrow();
    assertThat(line).contains("age/m/djl/s*/f0/p1").contains("mae").contains("5.2000").contains("9.2000").contains("worse by 4.00")
        .contains("one-sided t-test p");
  }

  @Test
  void aBaselineWithMoreSeedsTestsAFewSeedRunAndRequiresOnlyItsSeeds() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0, 5.4, 4.8, 5.2, 5.1, 4.9, 5.3, 5.0, 5.2, 4.9); // ten seeds, sd about 0.18
    ResultsFixture healthy = new ResultsFixture(dir.resolve("healthy"));
    maes(healthy, 5.3, 5.1);
    BrokenSuitesTest.Result ok = compare(base.folder(), healthy.folder());
    assertThat(ok.exit()).as(ok.out()).isZero();
    assertThat(ok.out()).doesNotContain("missing");
    ResultsFixture worse = new ResultsFixture(dir.resolve("worse"));
    maes(worse, 6.0, 6.2); // 1.0 worse: five baseline sds
    BrokenSuitesTest.Result red = compare(base.folder(), worse.folder());
    assertThat(red.exit()).as(red.out()).isEqualTo(1);
    assertThat(red.out()).contains("10->2 seeds");
    ResultsFixture gap = new ResultsFixture(dir.resolve("gap"));
    gap.regress("age", "m", 1, 5.0);
    gap.regress("age", "m", 3, 5.0);
    gap.failed("age", "regress", "m", 2, "out of memory"); // a seed the run had, failed
    BrokenSuitesTest.Result failed = compare(base.folder(), gap.folder());
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out()).contains("age/m/djl/s2/f0/p1");
  }

  /** A pre-training stage row at the stage's own seed (1), as suites with {@code stages: [{seed: 1}]} write it whatever the cells' seeds. */
  private static void stage(ResultsFixture f) throws Exception {
    ObjectNode r = ResultsFixture.row("fixture", "pre", "pretrain", "m", 1, 1.0);
    r.putObject("metrics").put("loss", 0.5);
    f.put(r);
  }

  @Test
  void freshSeedsAgainstTheBaselineDoNotRequireTheBaselinesSeedsBecauseOfAStagesSeed() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0, 5.4, 4.8, 5.2, 5.1);
    stage(base);
    ResultsFixture fresh = new ResultsFixture(dir.resolve("fresh"));
    for (int s = 11; s <= 13; s++) {
      fresh.regress("age", "m", s, 5.1);
    }
    stage(fresh);
    BrokenSuitesTest.Result r = compare(base.folder(), fresh.folder());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).doesNotContain("missing");
    ResultsFixture noStage = new ResultsFixture(dir.resolve("no-stage"));
    noStage.regress("age", "m", 11, 5.1);
    BrokenSuitesTest.Result lost = compare(base.folder(), noStage.folder());
    assertThat(lost.exit()).as("a stage is required whatever seeds the cells ran").isEqualTo(1);
    assertThat(lost.out()).contains("pre/m/djl/s1/f0/p1").contains("missing from the results");
  }

  @Test
  void aChangedParameterCountStaysAnExactCheck() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0, 6.0, 7.0);
    ResultsFixture now = new ResultsFixture(dir.resolve("now"));
    maes(now, 5.0, 6.0, 7.0);
    ObjectNode row = now.regress("age", "m", 2, 6.0);
    ((ObjectNode) row.get("params")).put("total", 1001);
    now.put(row);
    BrokenSuitesTest.Result r = compare(base.folder(), now.folder());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("age/m/djl/s2/f0/p1").contains("parameter count changed");
  }

  @Test
  void theTestAskedForWithTooFewSeedsOrABaselineOfAnotherSuiteIsAUsageError() throws Exception {
    ResultsFixture base = new ResultsFixture(dir.resolve("base"));
    maes(base, 5.0);
    ResultsFixture now = new ResultsFixture(dir.resolve("now"));
    maes(now, 5.0);
    BrokenSuitesTest.Result r = compare(base.folder(), now.folder(), "--method", "test");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("has 1 seed(s) in the baseline; --method test needs 3").doesNotContain("\tat ");
    ResultsFixture other = new ResultsFixture(dir.resolve("other"));
    ObjectNode row = other.regress("age", "m", 1, 5.0);
    row.put("suite", "quickstart");
    other.put(row);
    BrokenSuitesTest.Result suite = compare(base.folder(), other.folder());
    assertThat(suite.exit()).isEqualTo(2);
    assertThat(suite.err()).contains("the baseline is from suite [fixture], the results from [quickstart]");
  }

  @Test
  void theResultsHardwareClassPicksItsBaselineElseEveryClassIsPooled() throws Exception {
    Path baselines = dir.resolve("baselines");
    maes(new ResultsFixture(baselines.resolve("cpu_GenuineIntel-6-143_avx512")), 5.0, 5.1, 5.2);
    maes(new ResultsFixture(baselines.resolve("cpu_AuthenticAMD-26-2_avx512")), 6.0, 6.1, 6.2);
    ResultsFixture now = new ResultsFixture(dir.resolve("now"));
    for (int s = 1; s <= 3; s++) {
      ObjectNode row = now.regress("age", "m", s, 6.1 + 0.1 * (s - 2));
      row.putObject("provenance").put("hardwareClass", "cpu/AuthenticAMD-26-2/avx512");
      now.put(row);
    }
    BrokenSuitesTest.Result amd = compare(baselines, now.folder());
    assertThat(amd.exit()).as(amd.out()).isZero();
    assertThat(amd.out()).startsWith("baseline: " + baselines.resolve("cpu_AuthenticAMD-26-2_avx512"));
    ResultsFixture zen = new ResultsFixture(dir.resolve("zen"));
    for (int s = 1; s <= 3; s++) {
      ObjectNode row = zen.regress("age", "m", s, 6.1 + 0.1 * (s - 2));
      row.putObject("provenance").put("hardwareClass", "cpu/AuthenticAMD-25-17/avx512");
      zen.put(row);
    }
    BrokenSuitesTest.Result pooled = compare(baselines, zen.folder());
    assertThat(pooled.out()).contains("every hardware class pooled (no baseline for cpu/AuthenticAMD-25-17/avx512)");
    assertThat(pooled.exit()).as("6.1 against Intel 5.1 and AMD 6.1 pooled: within the spread across machines").isZero();
  }
}
