package org.brainbench.tasks.split;

/**
 * How to split subjects.
 *
 * @param folds 1 for a single train/validation/test split by fractions; k >= 2 for k-fold cross
 *     validation, where fold f is the test set and the other folds give training and validation
 * @param testFraction with {@code folds == 1}: the share of subjects in the test set
 * @param validationFraction the share of the non-test subjects used for validation (early stopping)
 * @param ageBins with {@link Stratification#AGE}: the number of equal-count age bins
 * @param seed the split's own seed, shared by every cell seed (then only the initial weights,
 *     shuffling, augmentation and dropout vary between seeds); null: each cell's seed
 */
public record SplitPlan(int folds, double testFraction, double validationFraction, Stratification stratification, int ageBins, Long seed) {
  /** A split that follows each cell's seed. */
  public SplitPlan(int folds, double testFraction, double validationFraction, Stratification stratification, int ageBins) {
    this(folds, testFraction, validationFraction, stratification, ageBins, null);
  }

  public SplitPlan {
    if (folds < 1) {
      throw new IllegalArgumentException("folds must be >= 1, got " + folds);
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in [0, 1), got " + testFraction);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
    }
    if (folds == 1 && testFraction + validationFraction >= 1) {
      throw new IllegalArgumentException("test and validation fractions leave no training subjects: " + testFraction + " + " + validationFraction);
    }
    if (ageBins < 1) {
      throw new IllegalArgumentException("age bins must be >= 1, got " + ageBins);
    }
  }

  /** The seed that draws the split (and a label fraction's subset) of a cell with this seed. */
  public long seedFor(long cellSeed) {
    return seed != null ? seed : cellSeed;
  }

  /** Without the seed when it follows the cell's, as before there was one (configuration hashes stay stable). */
  @Override
  public String toString() {
    return "SplitPlan[folds=" + folds + ", testFraction=" + testFraction + ", validationFraction=" + validationFraction + ", stratification="
        + stratification + ", ageBins=" + ageBins + (seed == null ? "" : ", seed=" + seed) + "]";
  }

  /** 60/20/20 train/validation/test, stratified as given, 5 age bins. */
  public static SplitPlan holdout(Stratification stratification) {
    return new SplitPlan(1, 0.2, 0.25, stratification, 5);
  }
}
