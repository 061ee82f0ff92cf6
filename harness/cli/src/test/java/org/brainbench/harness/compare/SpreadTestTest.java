package org.brainbench.harness.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The gate's test against scipy.stats.ttest_ind (pooled variance, one-sided), values from scipy 1.17. */
class SpreadTestTest {
  @Test
  void matchesScipysPooledTwoSampleTest() {
    // ttest_ind([5.8, 6.6, 7.4], [5, 6, 7], alternative='greater'): t 0.8115026712006872, p 0.23130196985453316, df 4
    SpreadTest t = SpreadTest.of(new double[] {5, 6, 7}, new double[] {5.8, 6.6, 7.4}, false);
    assertThat(t.worse()).isCloseTo(0.6, within(1e-12));
    assertThat(t.worse() / t.se()).isCloseTo(0.8115026712006872, within(1e-12));
    assertThat(t.df()).isEqualTo(4);
    assertThat(t.p()).isCloseTo(0.23130196985453316, within(1e-10));
  }

  @Test
  void oneCurrentRunIsJudgedByTheBaselinesSpread() {
    // ttest_ind([0.61], [0.8, 0.85, 0.9, 0.75], alternative='less'): p 0.029318974168635114, df 3
    SpreadTest t = SpreadTest.of(new double[] {0.8, 0.85, 0.9, 0.75}, new double[] {0.61}, true);
    assertThat(t.df()).isEqualTo(3);
    assertThat(t.p()).isCloseTo(0.029318974168635114, within(1e-10));
    assertThat(t.currentSd()).isNaN();
  }

  @Test
  void aCurrentSeedThatFailedToLearnWidensTheSpreadItIsJudgedBy() {
    double[] baseline = {0.84, 0.86, 0.83, 0.85, 0.84, 0.86, 0.85, 0.83, 0.84, 0.85};
    SpreadTest oneFailed = SpreadTest.of(baseline, new double[] {0.85, 0.84, 0.53}, true);
    SpreadTest allWorse = SpreadTest.of(baseline, new double[] {0.74, 0.75, 0.73}, true);
    assertThat(oneFailed.worse()).isGreaterThan(allWorse.worse() - 0.01);
    // scipy: p 0.03305249898805144 with 11 df; the baseline's sd alone (0.0105) would give t 17, p < 1e-8
    assertThat(oneFailed.p()).isCloseTo(0.03305249898805144, within(1e-10)).isGreaterThan(0.01);
    assertThat(allWorse.p()).isLessThan(1e-6);
  }
}
