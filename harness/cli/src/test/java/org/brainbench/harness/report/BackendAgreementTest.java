package org.brainbench.harness.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendAgreementTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pairedTTestMatchesTheTDistribution() {
    // differences 1, 2, 3: t = 2 / (1 / sqrt 3) = 3.464 with 2 df, two-sided p = 0.0742 (scipy.stats.ttest_1samp)
    Stat d = Stat.of(List.of(1.0, 2.0, 3.0), new double[] {Double.NaN, Double.NaN});
    assertThat(BackendAgreement.pairedTTest(d)).isCloseTo(0.07418, within(1e-4));
    assertThat(BackendAgreement.pairedTTest(Stat.of(List.of(1.0), new double[] {Double.NaN, Double.NaN}))).isNaN();
  }

  @Test
  void pairsRunsBySeedAndFlagsOnlyRealDifferences() {
    List<Run> runs = new ArrayList<>();
    double[] djl = {0.80, 0.84, 0.76};
    double[] close = {0.81, 0.82, 0.78};
    double[] far = {0.70, 0.735, 0.655};
    for (int s = 0; s < 3; s++) {
      runs.add(run("ad", "cnn3d", "djl", s + 1, djl[s]));
      runs.add(run("ad", "cnn3d", "dl4j", s + 1, close[s]));
      runs.add(run("ad", "vit", "djl", s + 1, djl[s]));
      runs.add(run("ad", "vit", "dl4j", s + 1, far[s]));
      runs.add(run("ad", "slice", "djl", s + 1, djl[s])); // one backend only: nothing to compare
    }
    List<BackendAgreement> rows = BackendAgreement.of(runs).stream().filter(a -> a.metric().equals("auc")).toList();
    assertThat(rows).extracting(BackendAgreement::model).containsExactly("cnn3d", "vit");
    BackendAgreement cnn = rows.get(0);
    assertThat(cnn.reference()).isEqualTo("djl");
    assertThat(cnn.pairs()).isEqualTo(3);
    assertThat(cnn.difference()).isCloseTo(0.00333, within(1e-4));
    assertThat(cnn.differs()).isFalse();
    assertThat(rows.get(1).differs()).isTrue();
    assertThat(rows.get(1).difference()).isCloseTo(-0.10333, within(1e-4));
    String md = MarkdownLeaderboard.render(Leaderboard.build(runs, 10), "t");
    assertThat(md).contains("## Backends compared").contains("**differ**").contains("no evidence of a difference");
  }

  private static Run run(String task, String model, String backend, int seed, double auc) {
    ObjectNode r = JSON.createObjectNode();
    r.put("schema", 1).put("suite", "s").put("cell", task + "/" + model + "/" + backend + "/s" + seed + "/f0/p1").put("task", task).put("taskType", "classify")
        .put("model", model).put("backend", backend).put("seed", seed).put("fold", 0).put("labelFraction", 1.0).put("status", "ok");
    r.putObject("metrics").put("auc", auc).put("balancedAccuracy", auc - 0.05).put("accuracy", auc - 0.05);
    return new Run(org.brainbench.harness.result.ResultRows.fromJson(r, "test"), Path.of("/nonexistent"));
  }
}
