package org.brainbench.harness.compare;

/** One line of a comparison: a metric of a cell (or the cell itself) and what happened to it. */
public record Finding(String cell, String metric, double baseline, double current, Tolerance tolerance, Verdict verdict, String detail) {
  public enum Verdict {
    /** within tolerance */
    SAME,
    /** better beyond tolerance */
    IMPROVED,
    /** worse beyond tolerance, missing, failed, or changed in structure */
    REGRESSED,
    /** a cell the baseline does not have */
    NEW
  }

  public boolean regressed() {
    return verdict == Verdict.REGRESSED;
  }
}
