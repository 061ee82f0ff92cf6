package org.brainbench.tasks.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.brainbench.tasks.split.Cohorts.byStratum;
import static org.brainbench.tasks.split.Cohorts.count;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.split.Cohorts.Cohort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Subject-level holdout and k-fold splits over random cohorts. */
@ExtendWith(Cases.NameFailures.class)
class SplitterTest {
  private static final double ROUNDING = 0.5 + 1e-9;

  private static final int MAX_SUBJECTS = 80;

  /** An edge case's seed: 0, +-1, the extremes, in turn. */
  private static long edgeSeed(int i) {
    return Cases.EDGE_LONGS[i % Cases.EDGE_LONGS.length];
  }

  // ---------------------------------------------------------------- holdout

  /**
   * (cohort, test fraction in [0, 0.5], validation fraction in [0, 0.45], stratification, seed):
   * the edge cohorts at the ends of both fraction ranges, then random ones.
   */
  private static Stream<Arguments> holdoutCases(long baseSeed, int count) {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (double[] f : new double[][] {{0, 0}, {0.5, 0.45}, {0, 0.45}, {0.5, 0}}) {
        int i = edges.size();
        edges.add(Cases.args(c, f[0], f[1], Stratification.values()[i % 3], edgeSeed(i)));
      }
    }
    return Cases.of(baseSeed, count, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS),
        Cases.decimal(r, 0, 0.5), Cases.decimal(r, 0, 0.45), Cases.oneOf(r, Stratification.values()), r.nextLong()));
  }

  static Stream<Arguments> holdoutPartitionCases() {
    return holdoutCases(0x5917_0001L, 300);
  }

  static Stream<Arguments> holdoutProportionCases() {
    return holdoutCases(0x5917_0002L, 300);
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("holdoutPartitionCases")
  void holdoutPutsEverySubjectAndAllItsScansInExactlyOnePartition(
      Cohort c, double test, double validation, Stratification stratification, long seed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 4);
    Split split = Splitter.split(strata, new SplitPlan(1, test, validation, stratification, 4), 0, seed);

    assertThat(split.assignment().keySet()).containsExactlyInAnyOrderElementsOf(c.dataset().subjectIds());
    assertThat(split.assignment().values()).doesNotContain(Partition.UNUSED);
    assertScansFollowTheirSubjects(c.dataset(), split);
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("holdoutProportionCases")
  void holdoutKeepsEachStratumsProportionsWithinRounding(
      Cohort c, double test, double validation, Stratification stratification, long seed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 3);
    Split split = Splitter.split(strata, new SplitPlan(1, test, validation, stratification, 3), 0, seed);

    for (List<String> subjects : byStratum(strata).values()) {
      int n = subjects.size();
      int nTest = count(split, subjects, Partition.TEST);
      int nVal = count(split, subjects, Partition.VALIDATION);
      assertThat((double) nTest).as("test subjects of a stratum of %d", n).isCloseTo(test * n, org.assertj.core.data.Offset.offset(ROUNDING));
      // the validation share is of the stratum's non-test subjects
      assertThat((double) nVal).as("validation subjects of a stratum of %d", n)
          .isCloseTo(validation * (n - nTest), org.assertj.core.data.Offset.offset(ROUNDING));
      assertThat(count(split, subjects, Partition.TRAIN)).isEqualTo(n - nTest - nVal);
    }
  }

  /** (cohort, stratification, seed, shuffle seed). */
  static Stream<Arguments> holdoutReproducibleCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (Stratification s : Stratification.values()) {
        int i = edges.size();
        edges.add(Cases.args(c, s, edgeSeed(i), edgeSeed(i + 3)));
      }
    }
    return Cases.of(0x5917_0003L, 200, edges,
        r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS), Cases.oneOf(r, Stratification.values()), r.nextLong(), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("holdoutReproducibleCases")
  void holdoutIsReproducibleAndIgnoresRowOrder(Cohort c, Stratification stratification, long seed, long shuffle) {
    SplitPlan plan = new SplitPlan(1, 0.2, 0.25, stratification, 3);
    Map<String, String> strata = stratification.strata(c.dataset(), 3);
    Split first = Splitter.split(strata, plan, 0, seed);

    Split again = Splitter.split(strata, plan, 0, seed);
    Split reordered = Splitter.split(Cohorts.reversed(strata), plan, 0, seed);
    Split fromShuffledRows = Splitter.split(stratification.strata(c.shuffledRows(shuffle), 3), plan, 0, seed);

    assertThat(again).isEqualTo(first);
    assertThat(again.hash()).isEqualTo(first.hash());
    assertThat(reordered).isEqualTo(first);
    assertThat(fromShuffledRows).isEqualTo(first);
    assertThat(fromShuffledRows.hash()).isEqualTo(first.hash());
  }

  @Test
  void holdoutDefaultsAreSixtyTwentyTwenty() {
    Map<String, String> strata = new TreeMap<>();
    for (int i = 0; i < 100; i++) {
      strata.put("s" + i, "all");
    }
    Split split = Splitter.split(strata, SplitPlan.holdout(Stratification.NONE), 0, 42);

    assertThat(split.count(Partition.TRAIN)).isEqualTo(60);
    assertThat(split.count(Partition.VALIDATION)).isEqualTo(20);
    assertThat(split.count(Partition.TEST)).isEqualTo(20);
  }

  @Test
  void differentSeedsGiveDifferentSplits() {
    Map<String, String> strata = new TreeMap<>();
    for (int i = 0; i < 60; i++) {
      strata.put("s" + i, i % 2 == 0 ? "class=a" : "class=b");
    }
    SplitPlan plan = SplitPlan.holdout(Stratification.CLASS);

    Split a = Splitter.split(strata, plan, 0, 1);
    Split b = Splitter.split(strata, plan, 0, 2);

    assertThat(a).isNotEqualTo(b);
    assertThat(a.hash()).isNotEqualTo(b.hash());
    // the same subjects per partition size, only who goes where changes
    assertThat(Cohorts.counts(a)).isEqualTo(Cohorts.counts(b));
  }

  @Test
  void aHashIsOfTheCanonicalText() {
    Split split = Split.of(Map.of("b", Partition.TEST, "a", Partition.TRAIN));

    assertThat(split.toTsv()).isEqualTo("subject_id\tpartition\na\ttrain\nb\ttest\n");
    // sha256 of the text above, as `printf 'subject_id\tpartition\na\ttrain\nb\ttest\n' | sha256sum` prints it
    assertThat(split.hash()).isEqualTo("ec944b48a53ebf993bb25b53cba1c98b442a050c9918e2084f789c3c8b0e94a2");
    assertThat(split.subjects(Partition.TRAIN)).containsExactly("a");
    assertThat(split.partitionOf("c")).isNull();
  }

  // ---------------------------------------------------------------- k-fold

  /**
   * (cohort, folds in [2, 10], validation fraction in [0, 0.5], stratification, seed): the edge
   * cohorts at the ends of both ranges, then random ones.
   */
  private static Stream<Arguments> kFoldCases(long baseSeed) {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (int folds : new int[] {2, 10}) {
        for (double validation : new double[] {0, 0.5}) {
          int i = edges.size();
          edges.add(Cases.args(c, folds, validation, Stratification.values()[i % 3], edgeSeed(i)));
        }
      }
    }
    return Cases.of(baseSeed, 300, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS),
        Cases.between(r, 2, 10), Cases.decimal(r, 0, 0.5), Cases.oneOf(r, Stratification.values()), r.nextLong()));
  }

  static Stream<Arguments> kFoldPartitionCases() {
    return kFoldCases(0x5917_0004L);
  }

  static Stream<Arguments> kFoldStratifiedCases() {
    return kFoldCases(0x5917_0005L);
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("kFoldPartitionCases")
  void kFoldPutsEachSubjectInTheTestSetOfExactlyOneFold(
      Cohort c, int folds, double validation, Stratification stratification, long seed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 4);
    SplitPlan plan = new SplitPlan(folds, 0, validation, stratification, 4);
    Map<String, Integer> testFolds = new HashMap<>();
    List<Integer> testSizes = new ArrayList<>();

    for (int f = 0; f < folds; f++) {
      Split split = Splitter.split(strata, plan, f, seed);
      assertThat(split.assignment().keySet()).containsExactlyInAnyOrderElementsOf(strata.keySet());
      assertThat(split.assignment().values()).doesNotContain(Partition.UNUSED);
      assertScansFollowTheirSubjects(c.dataset(), split);
      for (String s : split.subjects(Partition.TEST)) {
        Integer before = testFolds.put(s, f);
        assertThat(before).as("subject %s is in the test set of fold %s and fold %d", s, before, f).isNull();
      }
      testSizes.add(split.count(Partition.TEST));
    }

    assertThat(testFolds.keySet()).containsExactlyInAnyOrderElementsOf(strata.keySet());
    // the javadoc's promise: fold sizes differ by at most one
    int min = testSizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
    int max = testSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(max - min).as("test set sizes %s", testSizes).isLessThanOrEqualTo(1);
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("kFoldStratifiedCases")
  void kFoldIsStratifiedAndTakesTheValidationShareOfTheRest(
      Cohort c, int folds, double validation, Stratification stratification, long seed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 4);
    SplitPlan plan = new SplitPlan(folds, 0, validation, stratification, 4);

    for (int f = 0; f < folds; f++) {
      Split split = Splitter.split(strata, plan, f, seed);
      for (Map.Entry<String, List<String>> e : byStratum(strata).entrySet()) {
        int n = e.getValue().size();
        int nTest = count(split, e.getValue(), Partition.TEST);
        int nVal = count(split, e.getValue(), Partition.VALIDATION);
        assertThat(nTest).as("fold %d, stratum %s of %d subjects", f, e.getKey(), n)
            .isBetween(Math.floorDiv(n, folds), -Math.floorDiv(-n, folds));
        assertThat((double) nVal).as("validation in fold %d, stratum %s", f, e.getKey())
            .isCloseTo(validation * (n - nTest), org.assertj.core.data.Offset.offset(ROUNDING));
      }
    }
  }

  /** (cohort, folds in [2, 6], seed, shuffle seed). */
  static Stream<Arguments> kFoldReproducibleCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (int folds : new int[] {2, 6}) {
        int i = edges.size();
        edges.add(Cases.args(c, folds, edgeSeed(i), edgeSeed(i + 3)));
      }
    }
    return Cases.of(0x5917_0006L, 100, edges,
        r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS), Cases.between(r, 2, 6), r.nextLong(), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("kFoldReproducibleCases")
  void kFoldIsReproducibleAndIgnoresRowOrder(Cohort c, int folds, long seed, long shuffle) {
    SplitPlan plan = new SplitPlan(folds, 0, 0.2, Stratification.CLASS, 5);
    Map<String, String> strata = Stratification.CLASS.strata(c.dataset(), 5);
    Map<String, String> shuffled = Stratification.CLASS.strata(c.shuffledRows(shuffle), 5);

    for (int f = 0; f < folds; f++) {
      Split split = Splitter.split(strata, plan, f, seed);
      assertThat(Splitter.split(strata, plan, f, seed)).isEqualTo(split);
      assertThat(Splitter.split(shuffled, plan, f, seed).hash()).isEqualTo(split.hash());
      assertThat(Splitter.split(Cohorts.reversed(strata), plan, f, seed)).isEqualTo(split);
    }
  }

  @Test
  void aFoldOutsideThePlanIsRejected() {
    Map<String, String> strata = Map.of("a", "all", "b", "all");
    SplitPlan plan = new SplitPlan(3, 0, 0.2, Stratification.NONE, 1);

    assertThatThrownBy(() -> Splitter.split(strata, plan, 3, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 3)");
    assertThatThrownBy(() -> Splitter.split(strata, plan, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Splitter.split(strata, SplitPlan.holdout(Stratification.NONE), 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void planSettingsAreValidated() {
    assertThatThrownBy(() -> new SplitPlan(0, 0.2, 0.2, Stratification.NONE, 1)).hasMessageContaining("folds");
    assertThatThrownBy(() -> new SplitPlan(1, 1.0, 0, Stratification.NONE, 1)).hasMessageContaining("test fraction");
    assertThatThrownBy(() -> new SplitPlan(1, -0.1, 0, Stratification.NONE, 1)).hasMessageContaining("test fraction");
    assertThatThrownBy(() -> new SplitPlan(1, Double.NaN, 0, Stratification.NONE, 1)).hasMessageContaining("test fraction");
    assertThatThrownBy(() -> new SplitPlan(1, 0.2, 1.0, Stratification.NONE, 1)).hasMessageContaining("validation fraction");
    assertThatThrownBy(() -> new SplitPlan(1, 0.5, 0.5, Stratification.NONE, 1)).hasMessageContaining("no training subjects");
    assertThatThrownBy(() -> new SplitPlan(5, 0, 0.2, Stratification.AGE, 0)).hasMessageContaining("age bins");
    // with k folds the test fraction is unused, so it may not leave room for training
    assertThat(new SplitPlan(5, 0.5, 0.5, Stratification.NONE, 1).folds()).isEqualTo(5);
  }

  @Test
  void scansOfASubjectMissingFromTheSplitAreAnError() {
    Cohort c = Cohorts.cohort(5, 2, 2, 7);
    Split split = Split.of(Map.of(c.dataset().subjectIds().get(0), Partition.TRAIN));

    assertThatThrownBy(() -> split.scans(c.dataset(), Partition.TRAIN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the split");
  }

  private static void assertScansFollowTheirSubjects(Dataset dataset, Split split) {
    List<Scan> all = new ArrayList<>();
    for (Partition p : Partition.values()) {
      List<Scan> scans = split.scans(dataset, p);
      // in dataset order, and exactly the scans of the partition's subjects
      assertThat(scans).containsExactlyElementsOf(dataset.scans().stream().filter(s -> split.partitionOf(s.subjectId()) == p).toList());
      all.addAll(scans);
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(dataset.scans());
    Map<String, Partition> seen = new HashMap<>();
    for (Partition p : Partition.values()) {
      for (Scan s : split.scans(dataset, p)) {
        Partition before = seen.putIfAbsent(s.subjectId(), p);
        assertThat(before == null || before == p).as("scans of %s in %s and %s", s.subjectId(), before, p).isTrue();
      }
    }
  }
}
