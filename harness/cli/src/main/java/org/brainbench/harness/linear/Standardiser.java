package org.brainbench.harness.linear;

/** Centres and scales each feature by its mean and standard deviation on the training rows (a constant feature is only centred). */
public record Standardiser(double[] mean, double[] sd) {
  public static Standardiser fit(double[][] x) {
    int f = x[0].length;
    double[] mean = new double[f];
    double[] sd = new double[f];
    for (double[] row : x) {
      for (int j = 0; j < f; j++) {
        mean[j] += row[j] / x.length;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < f; j++) {
        sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
      }
    }
    for (int j = 0; j < f; j++) {
      sd[j] = sd[j] > 1e-24 ? Math.sqrt(sd[j]) : 1;
    }
    return new Standardiser(mean, sd);
  }

  public double[][] apply(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = new double[x[i].length];
      for (int j = 0; j < x[i].length; j++) {
        out[i][j] = (x[i][j] - mean[j]) / sd[j];
      }
    }
    return out;
  }
}
