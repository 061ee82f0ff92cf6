package org.brainbench.tasks.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.brainbench.tasks.split.Cohorts.byStratum;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.split.Cohorts.Cohort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Nested, stratified label fractions of the training subjects. */
@ExtendWith(Cases.NameFailures.class)
class LabelFractionTest {
  private static final double[] FRACTIONS = {0.1, 0.25, 0.5, 1.0};

  private static final int MAX_SUBJECTS = 120;

  /** An edge case's seed: 0, +-1, the extremes, in turn. */
  private static long edgeSeed(int i) {
    return Cases.EDGE_LONGS[i % Cases.EDGE_LONGS.length];
  }

  /** A holdout split (fold 0 of 1) or a fold of a k-fold split. */
  private static Split baseSplit(Map<String, String> strata, Stratification stratification, int folds, long seed) {
    SplitPlan plan = folds == 1 ? SplitPlan.holdout(stratification) : new SplitPlan(folds, 0, 0.2, stratification, 3);
    return Splitter.split(strata, plan, 0, seed);
  }

  /** (cohort, stratification, folds in [1, 5], split seed, fraction seed). */
  static Stream<Arguments> nestedCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (int folds : new int[] {1, 5}) {
        int i = edges.size();
        edges.add(Cases.args(c, Stratification.values()[i % 3], folds, edgeSeed(i), edgeSeed(i + 3)));
      }
    }
    return Cases.of(0x1F4A_0001L, 300, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS),
        Cases.oneOf(r, Stratification.values()), Cases.between(r, 1, 5), r.nextLong(), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("nestedCases")
  void fractionsAreNestedAndNeverTouchValidationOrTest(
      Cohort c, Stratification stratification, int folds, long splitSeed, long fractionSeed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 3);
    Split split = baseSplit(strata, stratification, folds, splitSeed);

    Set<String> previous = Set.of();
    for (double f : FRACTIONS) {
      Split reduced = Splitter.labelFraction(split, strata, f, fractionSeed);
      Set<String> kept = new TreeSet<>(reduced.subjects(Partition.TRAIN));
      assertThat(kept).as("kept at %s contains kept at the smaller fraction", f).containsAll(previous);
      assertThat(split.subjects(Partition.TRAIN)).containsAll(kept);
      for (String s : split.assignment().keySet()) {
        Partition before = split.partitionOf(s);
        Partition after = reduced.partitionOf(s);
        if (before == Partition.TRAIN) {
          assertThat(after).isIn(Partition.TRAIN, Partition.UNUSED);
        } else {
          assertThat(after).as("a %s subject", before).isEqualTo(before);
        }
      }
      previous = kept;
    }
    assertThat(Splitter.labelFraction(split, strata, 1.0, fractionSeed)).isEqualTo(split);
  }

  /** (cohort, stratification, fraction in [0.01, 1], seed). */
  static Stream<Arguments> shareCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (double fraction : new double[] {0.01, 0.5, 1.0}) {
        int i = edges.size();
        edges.add(Cases.args(c, Stratification.values()[i % 3], fraction, edgeSeed(i)));
      }
    }
    return Cases.of(0x1F4A_0002L, 300, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS),
        Cases.oneOf(r, Stratification.values()), Cases.decimal(r, 0.01, 1.0), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("shareCases")
  void eachStratumKeepsItsShareAndAtLeastOneSubject(Cohort c, Stratification stratification, double fraction, long seed) {
    Map<String, String> strata = stratification.strata(c.dataset(), 4);
    Split split = baseSplit(strata, stratification, 1, seed);
    Map<String, String> trainStrata = new HashMap<>();
    split.subjects(Partition.TRAIN).forEach(s -> trainStrata.put(s, strata.get(s)));

    Split reduced = Splitter.labelFraction(split, strata, fraction, seed);

    for (Map.Entry<String, List<String>> e : byStratum(trainStrata).entrySet()) {
      int n = e.getValue().size();
      int kept = Cohorts.count(reduced, e.getValue(), Partition.TRAIN);
      assertThat(kept).as("stratum %s: %d training subjects at %s", e.getKey(), n, fraction)
          .isEqualTo(Math.max(1, (int) Math.round(fraction * n)));
      assertThat(kept).isGreaterThanOrEqualTo(1);
    }
  }

  /** (cohort, fraction a in [0.01, 1], fraction b in [0.01, 1], seed). */
  static Stream<Arguments> subsetCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      for (double[] ab : new double[][] {{0.01, 1.0}, {1.0, 0.01}, {0.01, 0.01}, {1.0, 1.0}}) {
        edges.add(Cases.args(c, ab[0], ab[1], edgeSeed(edges.size())));
      }
    }
    return Cases.of(0x1F4A_0003L, 200, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS),
        Cases.decimal(r, 0.01, 1.0), Cases.decimal(r, 0.01, 1.0), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("subsetCases")
  void anySmallerFractionIsASubsetOfALargerOne(Cohort c, double a, double b, long seed) {
    Map<String, String> strata = Stratification.CLASS.strata(c.dataset(), 1);
    Split split = baseSplit(strata, Stratification.CLASS, 1, seed);

    Set<String> small = new TreeSet<>(Splitter.labelFraction(split, strata, Math.min(a, b), seed).subjects(Partition.TRAIN));
    Set<String> large = new TreeSet<>(Splitter.labelFraction(split, strata, Math.max(a, b), seed).subjects(Partition.TRAIN));

    assertThat(large).containsAll(small);
  }

  /** (cohort, seed, shuffle seed). */
  static Stream<Arguments> reproducibleCases() {
    List<Object[]> edges = new ArrayList<>();
    for (Cohort c : Cohorts.edges(MAX_SUBJECTS)) {
      edges.add(Cases.args(c, edgeSeed(edges.size()), edgeSeed(edges.size() + 3)));
    }
    return Cases.of(0x1F4A_0004L, 100, edges, r -> Cases.args(Cohorts.random(r, MAX_SUBJECTS), r.nextLong(), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("reproducibleCases")
  void isReproducibleAndIgnoresRowOrder(Cohort c, long seed, long shuffle) {
    Map<String, String> strata = Stratification.CLASS.strata(c.dataset(), 1);
    Map<String, String> shuffled = Stratification.CLASS.strata(c.shuffledRows(shuffle), 1);
    Split split = baseSplit(strata, Stratification.CLASS, 1, seed);

    for (double f : FRACTIONS) {
      Split reduced = Splitter.labelFraction(split, strata, f, seed);
      assertThat(Splitter.labelFraction(split, strata, f, seed).hash()).isEqualTo(reduced.hash());
      assertThat(Splitter.labelFraction(split, shuffled, f, seed)).isEqualTo(reduced);
    }
  }

  @Test
  void theSubsetDependsOnTheSeed() {
    Map<String, String> strata = new HashMap<>();
    Map<String, Partition> all = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      strata.put("s" + i, "all");
      all.put("s" + i, Partition.TRAIN);
    }
    Split split = Split.of(all);

    Split a = Splitter.labelFraction(split, strata, 0.1, 1);
    Split b = Splitter.labelFraction(split, strata, 0.1, 2);

    assertThat(a.count(Partition.TRAIN)).isEqualTo(10);
    assertThat(a.count(Partition.UNUSED)).isEqualTo(90);
    assertThat(a.subjects(Partition.TRAIN)).isNotEqualTo(b.subjects(Partition.TRAIN));
  }

  @Test
  void rejectsFractionsOutsideZeroToOneAndSubjectsWithoutAStratum() {
    Split split = Split.of(Map.of("a", Partition.TRAIN, "b", Partition.TEST));
    Map<String, String> strata = Map.of("a", "all", "b", "all");

    for (double bad : new double[] {0, -0.5, 1.0001, Double.NaN}) {
      assertThatThrownBy(() -> Splitter.labelFraction(split, strata, bad, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label fraction");
    }
    // the test subject needs no stratum; the training one does
    assertThat(Splitter.labelFraction(split, Map.of("a", "all"), 0.5, 1)).isEqualTo(split);
    assertThatThrownBy(() -> Splitter.labelFraction(split, Map.of("b", "all"), 0.5, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject a");
  }
}
