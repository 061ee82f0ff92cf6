package org.brainbench.tasks.metric;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics as scikit-learn defines them (docs/metrics.md). Classes are indices
 * into the class list; for two classes index 1 is the positive class.
 *
 * <ul>
 *   <li>prediction: the class of highest probability (the first on ties);
 *   <li>accuracy; balanced accuracy: mean recall over the classes present in the truth;
 *   <li>auc: ROC AUC of the positive class's probability (ties count half); one-vs-rest macro
 *       average for more classes; NaN when the truth holds one class only (it is undefined);
 *   <li>f1: of the positive class for two classes (0 when it is never predicted nor true); macro
 *       over the classes present in truth or prediction for more;
 *   <li>sensitivity and specificity: recall of the positive and of the negative class for two
 *       classes; for more, one-vs-rest macro averages over the classes present in the truth.
 * </ul>
 */
public final class ClassificationMetrics {
  public static final List<String> KEYS = List.of("accuracy", "balancedAccuracy", "auc", "f1", "sensitivity", "specificity");

  private ClassificationMetrics() {}

  /** The predicted class of each case. */
  public static int[] predictions(double[][] probabilities) {
    int[] out = new int[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      int best = 0;
      for (int k = 1; k < probabilities[i].length; k++) {
        if (probabilities[i][k] > probabilities[i][best]) {
          best = k;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /**
   * All metrics, keyed as {@link #KEYS}.
   *
   * @param truth class index per case
   * @param probabilities per case, one probability per class
   */
  public static Map<String, Double> compute(int[] truth, double[][] probabilities, int classes) {
    if (truth.length != probabilities.length) {
      throw new IllegalArgumentException(truth.length + " truths but " + probabilities.length + " predictions");
    }
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    int[] pred = predictions(probabilities);
    long[][] cm = new long[classes][classes];
    for (int i = 0; i < truth.length; i++) {
      cm[truth[i]][pred[i]]++;
    }
    int n = truth.length;
    Map<String, Double> m = new LinkedHashMap<>();
    long correct = 0;
    for (int k = 0; k < classes; k++) {
      correct += cm[k][k];
    }
    m.put("accuracy", n == 0 ? Double.NaN : (double) correct / n);
    double recallSum = 0;
    int present = 0;
    for (int k = 0; k < classes; k++) {
      long t = rowSum(cm, k);
      if (t > 0) {
        recallSum += (double) cm[k][k] / t;
        present++;
      }
    }
    m.put("balancedAccuracy", present == 0 ? Double.NaN : recallSum / present);
    if (classes == 2) {
      double[] positive = new double[n];
      boolean[] isPositive = new boolean[n];
      for (int i = 0; i < n; i++) {
        positive[i] = probabilities[i][1];
        isPositive[i] = truth[i] == 1;
      }
      m.put("auc", rocAuc(positive, isPositive));
      m.put("f1", f1(cm, 1));
      m.put("sensitivity", recall(cm, 1));
      m.put("specificity", recall(cm, 0));
    } else {
      double aucSum = 0;
      boolean aucDefined = true;
      for (int k = 0; k < classes; k++) {
        double[] score = new double[n];
        boolean[] isK = new boolean[n];
        for (int i = 0; i < n; i++) {
          score[i] = probabilities[i][k];
          isK[i] = truth[i] == k;
        }
        double a = rocAuc(score, isK);
        aucDefined &= !Double.isNaN(a);
        aucSum += a;
      }
      m.put("auc", aucDefined ? aucSum / classes : Double.NaN);
      double f1Sum = 0;
      int f1Count = 0;
      double sensSum = 0;
      double specSum = 0;
      int truthClasses = 0;
      for (int k = 0; k < classes; k++) {
        long t = rowSum(cm, k);
        long p = colSum(cm, k);
        if (t > 0 || p > 0) {
          f1Sum += f1(cm, k);
          f1Count++;
        }
        if (t > 0) {
          sensSum += recall(cm, k);
          long fp = p - cm[k][k];
          long tn = n - t - fp;
          specSum += (tn + fp) == 0 ? Double.NaN : (double) tn / (tn + fp);
          truthClasses++;
        }
      }
      m.put("f1", f1Count == 0 ? Double.NaN : f1Sum / f1Count);
      m.put("sensitivity", truthClasses == 0 ? Double.NaN : sensSum / truthClasses);
      m.put("specificity", truthClasses == 0 ? Double.NaN : specSum / truthClasses);
    }
    return m;
  }

  /**
   * Area under the ROC curve by the Mann-Whitney statistic with average ranks (equal to
   * scikit-learn's trapezoidal AUC, ties included); NaN without both positives and negatives.
   */
  public static double rocAuc(double[] score, boolean[] positive) {
    int n = score.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
    double[] rank = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
        j++;
      }
      double avg = (i + j) / 2.0 + 1;
      for (int t = i; t <= j; t++) {
        rank[order[t]] = avg;
      }
      i = j + 1;
    }
    long pos = 0;
    double rankSum = 0;
    for (int i = 0; i < n; i++) {
      if (positive[i]) {
        pos++;
        rankSum += rank[i];
      }
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  private static double f1(long[][] cm, int k) {
    long tp = cm[k][k];
    long t = rowSum(cm, k);
    long p = colSum(cm, k);
    return t + p == 0 ? 0 : 2.0 * tp / (t + p);
  }

  private static double recall(long[][] cm, int k) {
    long t = rowSum(cm, k);
    return t == 0 ? Double.NaN : (double) cm[k][k] / t;
  }

  private static long rowSum(long[][] cm, int k) {
    long s = 0;
    for (long v : cm[k]) {
      s += v;
    }
    return s;
  }

  private static long colSum(long[][] cm, int k) {
    long s = 0;
    for (long[] row : cm) {
      s += row[k];
    }
    return s;
  }
}
