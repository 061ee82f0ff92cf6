package org.brainbench.harness.linear;

import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.analysis.MultivariateVectorFunction;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Multinomial logistic regression with an L2 penalty on the weights (not the intercepts): minimises
 * the mean cross-entropy + (l2 / 2) |W|^2 with commons-math's nonlinear conjugate gradient (the
 * problem is convex, so the optimum does not depend on the start). For two classes this is the
 * usual logistic regression written with one redundant row, which the penalty makes unique.
 */
public record LogisticRegression(double[][] weights, double[] intercepts) {
  private static final int MAX_ITERATIONS = 2000;

  public static LogisticRegression fit(double[][] x, int[] y, int classes, double l2) {
    int n = x.length;
    int f = x[0].length;
    int size = classes * (f + 1);
    MultivariateFunction loss = p -> value(p, x, y, classes, l2);
    MultivariateVectorFunction gradient = p -> gradient(p, x, y, classes, l2);
    // a tight line search: the default one stops the descent while the gradient is still ~1e-4
    NonLinearConjugateGradientOptimizer optimizer = new NonLinearConjugateGradientOptimizer(
        NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, new SimpleValueChecker(1e-15, 1e-15), 1e-12, 1e-14, 1e-2);
    PointValuePair best = optimizer.optimize(new MaxEval(20 * MAX_ITERATIONS), new MaxIter(MAX_ITERATIONS), new ObjectiveFunction(loss),
        new ObjectiveFunctionGradient(gradient), GoalType.MINIMIZE, new InitialGuess(new double[size]));
    double[] p = best.getPoint();
    double[][] w = new double[classes][f];
    double[] b = new double[classes];
    for (int k = 0; k < classes; k++) {
      System.arraycopy(p, k * (f + 1), w[k], 0, f);
      b[k] = p[k * (f + 1) + f];
    }
    return new LogisticRegression(w, b);
  }

  /** Class probabilities of one row. */
  public double[] probabilities(double[] x) {
    double[] z = new double[intercepts.length];
    for (int k = 0; k < z.length; k++) {
      z[k] = intercepts[k];
      for (int j = 0; j < x.length; j++) {
        z[k] += weights[k][j] * x[j];
      }
    }
    return softmax(z);
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(z[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= sum;
    }
    return p;
  }

  private static double[] logits(double[] p, double[] x, int classes) {
    int f = x.length;
    double[] z = new double[classes];
    for (int k = 0; k < classes; k++) {
      int o = k * (f + 1);
      double s = p[o + f];
      for (int j = 0; j < f; j++) {
        s += p[o + j] * x[j];
      }
      z[k] = s;
    }
    return z;
  }

  private static double value(double[] p, double[][] x, int[] y, int classes, double l2) {
    int f = x[0].length;
    double loss = 0;
    for (int i = 0; i < x.length; i++) {
      double[] z = logits(p, x[i], classes);
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      loss += (max + Math.log(sum) - z[y[i]]) / x.length;
    }
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < f; j++) {
        loss += 0.5 * l2 * p[k * (f + 1) + j] * p[k * (f + 1) + j];
      }
    }
    return loss;
  }

  private static double[] gradient(double[] p, double[][] x, int[] y, int classes, double l2) {
    int f = x[0].length;
    double[] g = new double[p.length];
    for (int i = 0; i < x.length; i++) {
      double[] q = softmax(logits(p, x[i], classes));
      for (int k = 0; k < classes; k++) {
        double r = (q[k] - (y[i] == k ? 1 : 0)) / x.length;
        int o = k * (f + 1);
        for (int j = 0; j < f; j++) {
          g[o + j] += r * x[i][j];
        }
        g[o + f] += r;
      }
    }
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < f; j++) {
        g[k * (f + 1) + j] += l2 * p[k * (f + 1) + j];
      }
    }
    return g;
  }
}
