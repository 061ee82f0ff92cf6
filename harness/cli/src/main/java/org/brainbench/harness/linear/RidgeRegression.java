package org.brainbench.harness.linear;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Least squares with an L2 penalty on the weights (not the intercept), solved in closed form:
 * minimises (1/n) sum (y - b - w.x)^2 + l2 |w|^2, as scikit-learn's {@code Ridge(alpha = n l2)}.
 */
public record RidgeRegression(double[] weights, double intercept) {
  public static RidgeRegression fit(double[][] x, double[] y, double l2) {
    int n = x.length;
    int f = x[0].length;
    double yMean = 0;
    double[] xMean = new double[f];
    for (int i = 0; i < n; i++) {
      yMean += y[i] / n;
      for (int j = 0; j < f; j++) {
        xMean[j] += x[i][j] / n;
      }
    }
    // centred normal equations: (Xc'Xc / n + l2 I) w = Xc'yc / n; the intercept takes the means
    double[][] a = new double[f][f];
    double[] rhs = new double[f];
    for (int i = 0; i < n; i++) {
      double yc = y[i] - yMean;
      for (int j = 0; j < f; j++) {
        double xj = x[i][j] - xMean[j];
        rhs[j] += xj * yc / n;
        for (int k = j; k < f; k++) {
          a[j][k] += xj * (x[i][k] - xMean[k]) / n;
        }
      }
    }
    for (int j = 0; j < f; j++) {
      a[j][j] += l2;
      for (int k = 0; k < j; k++) {
        a[j][k] = a[k][j];
      }
    }
    RealMatrix m = new Array2DRowRealMatrix(a, false);
    double[] w = new CholeskyDecomposition(m, 1e-12, 1e-14).getSolver().solve(new ArrayRealVector(rhs, false)).toArray();
    double b = yMean;
    for (int j = 0; j < f; j++) {
      b -= w[j] * xMean[j];
    }
    return new RidgeRegression(w, b);
  }

  public double predict(double[] x) {
    double s = intercept;
    for (int j = 0; j < x.length; j++) {
      s += weights[j] * x[j];
    }
    return s;
  }
}
