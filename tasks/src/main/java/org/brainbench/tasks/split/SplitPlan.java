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
 * @param files a fixed split instead: the subject table of each partition ({@link SubjectLists}); null to draw one
 */
public record SplitPlan(int folds, double testFraction, double validationFraction, Stratification stratification, int ageBins, Long seed,
    java.util.Map<Partition, java.nio.file.Path> files) {
  /** A split that follows each cell's seed. */
  public SplitPlan(int folds, double testFraction, double validationFraction, Stratification stratification, int ageBins) {
    this(folds, testFraction, validationFraction, stratification, ageBins, null, null);
  }

  /** A drawn split. */
  public SplitPlan(int folds, double testFraction, double validationFraction, Stratification stratification, int ageBins, Long seed) {
    this(folds, testFraction, validationFraction, stratification, ageBins, seed, null);
  }

  /** A fixed split read from one subject table per partition. */
  public static SplitPlan fromFiles(java.util.Map<Partition, java.nio.file.Path> files) {
    return new SplitPlan(1, 0, 0, Stratification.NONE, 1, null, files);
  }

  public SplitPlan {
    if (files != null) {
      files = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(files));
    }
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
        + stratification + ", ageBins=" + ageBins + (seed == null ? "" : ", seed=" + seed) + (files == null ? "" : ", files=" + files) + "]";
  }

  /** 60/20/20 train/validation/test, stratified as given, 5 age bins. */
  public static SplitPlan holdout(Stratification stratification) {
    return new SplitPlan(1, 0.2, 0.25, stratification, 5);
  }
}
