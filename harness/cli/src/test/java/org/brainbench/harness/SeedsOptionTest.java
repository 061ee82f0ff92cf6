package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --seeds} runs other seeds than the suite's (a CI baseline records more); bad lists are usage errors. */
class SeedsOptionTest {
  @Test
  void seedsReplaceTheSuitesAndBadListsExitTwo(@TempDir Path dir) throws IOException {
    Path suite = dir.resolve("fixed-split.yaml");
    Files.writeString(suite, FixedSplitTest.SUITE);
    BrokenSuitesTest.Result run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString(), "--seeds", "3-4", "--only", "fixed/**");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(RunSuiteTest.rows(dir.resolve("out")).keySet()).containsExactlyInAnyOrder("fixed/mt/djl/s3/f0/p1", "fixed/mt/djl/s4/f0/p1");
    for (String bad : new String[] {"x", "5-2", "1,1", "1-3,2"}) {
      BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("bad").toString(), "--seeds", bad);
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.err()).as(bad).contains("--seeds").doesNotContain("\tat ");
    }
  }
}
