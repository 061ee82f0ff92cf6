package org.brainbench.tasks.metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regression metrics (docs/metrics.md): MAE, RMSE, R² (1 - SS_res/SS_tot; when the truth is constant, 1
 * for a perfect prediction and 0 otherwise, as scikit-learn reports it) and Pearson's r (NaN when
 * either side is constant).
 */
public final class RegressionMetrics {
  public static final List<String> KEYS = List.of("mae", "rmse", "r2", "pearson");

  private RegressionMetrics() {}

  public static Map<String, Double> compute(double[] truth, double[] prediction) {
    if (truth.length != prediction.length) {
      throw new IllegalArgumentException(truth.length + " truths but " + prediction.length + " predictions");
    }
    int n = truth.length;
    Map<String, Double> m = new LinkedHashMap<>();
    if (n == 0) {
      KEYS.forEach(k -> m.put(k, Double.NaN));
      return m;
    }
    double abs = 0;
    double sq = 0;
    double meanT = 0;
    double meanP = 0;
    for (int i = 0; i < n; i++) {
      double e = prediction[i] - truth[i];
      abs += Math.abs(e);
      sq += e * e;
      meanT += truth[i];
      meanP += prediction[i];
    }
    meanT /= n;
    meanP /= n;
    double ssTot = 0;
    double ssP = 0;
    double cross = 0;
    for (int i = 0; i < n; i++) {
      double dt = truth[i] - meanT;
      double dp = prediction[i] - meanP;
      ssTot += dt * dt;
      ssP += dp * dp;
      cross += dt * dp;
    }
    m.put("mae", abs / n);
    m.put("rmse", Math.sqrt(sq / n));
    m.put("r2", ssTot == 0 ? (sq == 0 ? 1.0 : 0.0) : 1 - sq / ssTot);
    m.put("pearson", ssTot == 0 || ssP == 0 ? Double.NaN : cross / Math.sqrt(ssTot * ssP));
    return m;
  }
}
