package org.brainbench.harness.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The linear probe's models reach their optimum: its optimality conditions hold, and known answers come out. */
class LinearModelsTest {
  private static double[][] gaussian(SplittableRandom r, int n, int f) {
    double[][] x = new double[n][f];
    for (double[] row : x) {
      for (int j = 0; j < f; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void ridgeWithoutPenaltyRecoversAnExactLinearLaw() {
    double[][] x = gaussian(new SplittableRandom(1), 50, 3);
    double[] y = new double[50];
    for (int i = 0; i < 50; i++) {
      y[i] = 2 + 0.5 * x[i][0] - 3 * x[i][1] + 0 * x[i][2];
    }
    RidgeRegression fit = RidgeRegression.fit(x, y, 0);
    assertThat(fit.weights()).containsExactly(new double[] {0.5, -3, 0}, within(1e-9));
    assertThat(fit.intercept()).isCloseTo(2, within(1e-9));
  }

  @Test
  void ridgeSolvesItsPenalisedNormalEquations() {
    SplittableRandom r = new SplittableRandom(2);
    double[][] x = gaussian(r, 40, 5);
    double[] y = new double[40];
    for (int i = 0; i < 40; i++) {
      y[i] = x[i][0] + r.nextGaussian();
    }
    double l2 = 0.3;
    RidgeRegression fit = RidgeRegression.fit(x, y, l2);
    // the gradient of (1/n) sum (y - b - w.x)^2 + l2 |w|^2 vanishes
    double[] g = new double[5];
    double gb = 0;
    for (int i = 0; i < 40; i++) {
      double res = fit.predict(x[i]) - y[i];
      gb += 2 * res / 40;
      for (int j = 0; j < 5; j++) {
        g[j] += 2 * res * x[i][j] / 40;
      }
    }
    assertThat(gb).isCloseTo(0, within(1e-9));
    for (int j = 0; j < 5; j++) {
      assertThat(g[j] + 2 * l2 * fit.weights()[j]).isCloseTo(0, within(1e-9));
    }
    assertThat(Math.abs(fit.weights()[0])).as("shrunk, not zeroed").isBetween(0.3, 1.0);
  }

  @Test
  void logisticRegressionReachesItsOptimum() {
    SplittableRandom r = new SplittableRandom(3);
    double[][] x = gaussian(r, 60, 4);
    int[] y = new int[60];
    for (int i = 0; i < 60; i++) {
      y[i] = x[i][0] + 0.5 * r.nextGaussian() > 0 ? 1 : 0;
    }
    double l2 = 0.05;
    LogisticRegression fit = LogisticRegression.fit(x, y, 2, l2);
    // the gradient of the mean cross-entropy + (l2/2)|W|^2 vanishes at the fit
    double[][] gw = new double[2][4];
    double[] gb = new double[2];
    for (int i = 0; i < 60; i++) {
      double[] p = fit.probabilities(x[i]);
      for (int k = 0; k < 2; k++) {
        double res = (p[k] - (y[i] == k ? 1 : 0)) / 60;
        gb[k] += res;
        for (int j = 0; j < 4; j++) {
          gw[k][j] += res * x[i][j];
        }
      }
    }
    for (int k = 0; k < 2; k++) {
      assertThat(gb[k]).isCloseTo(0, within(1e-5));
      for (int j = 0; j < 4; j++) {
        assertThat(gw[k][j] + l2 * fit.weights()[k][j]).isCloseTo(0, within(1e-5));
      }
    }
    assertThat(fit.weights()[1][0] - fit.weights()[0][0]).as("the informative feature points to class 1").isGreaterThan(1);
    double[] p = fit.probabilities(new double[] {3, 0, 0, 0});
    assertThat(p[1]).isGreaterThan(0.9);
    assertThat(p[0] + p[1]).isCloseTo(1, within(1e-12));
  }

  @Test
  void standardisingCentresAndScalesOnTheTrainingRows() {
    double[][] x = {{1, 5}, {3, 5}, {5, 5}};
    Standardiser z = Standardiser.fit(x);
    double[][] s = z.apply(x);
    assertThat(s[0][0]).isCloseTo(-Math.sqrt(1.5), within(1e-12));
    assertThat(s[1][0]).isCloseTo(0, within(1e-12));
    assertThat(s[2][1]).as("a constant feature is only centred").isEqualTo(0);
  }
}
