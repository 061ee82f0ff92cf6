package org.brainbench.tasks.split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.brainbench.tasks.seed.Seeds;

/**
 * Seeded, stratified, subject-level splits and nested label fractions.
 *
 * <p>Everything starts from subjects sorted by id, so the result depends on the subjects, the
 * strata and the seed, never on the order of rows in a manifest. Each stratum is shuffled with its
 * own {@link Random} seeded from the seed and the stratum name.
 */
public final class Splitter {
  private Splitter() {}

  /**
   * Splits subjects for one fold.
   *
   * @param strata the stratum of every subject (see {@link Stratification#strata})
   * @param fold 0-based fold index, {@code < plan.folds()}
   */
  public static Split split(Map<String, String> strata, SplitPlan plan, int fold, long seed) {
    if (fold < 0 || fold >= plan.folds()) {
      throw new IllegalArgumentException("fold must be in [0, " + plan.folds() + "), got " + fold);
    }
    Map<String, List<String>> byStratum = shuffledStrata(strata, seed, "split");
    Map<String, Partition> out = new TreeMap<>();
    if (plan.folds() == 1) {
      for (List<String> subjects : byStratum.values()) {
        int n = subjects.size();
        int nTest = (int) Math.round(plan.testFraction() * n);
        int nVal = (int) Math.round(plan.validationFraction() * (n - nTest));
        for (int i = 0; i < n; i++) {
          out.put(subjects.get(i), i < nTest ? Partition.TEST : i < nTest + nVal ? Partition.VALIDATION : Partition.TRAIN);
        }
      }
      return Split.of(out);
    }
    // k-fold: deal each stratum's subjects round-robin over the folds, continuing the count across
    // strata so fold sizes differ by at most one
    int dealt = 0;
    Map<String, List<String>> remaining = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : byStratum.entrySet()) {
      for (String subject : e.getValue()) {
        if (dealt++ % plan.folds() == fold) {
          out.put(subject, Partition.TEST);
        } else {
          remaining.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(subject);
        }
      }
    }
    for (List<String> subjects : remaining.values()) {
      int nVal = (int) Math.round(plan.validationFraction() * subjects.size());
      for (int i = 0; i < subjects.size(); i++) {
        out.put(subjects.get(i), i < nVal ? Partition.VALIDATION : Partition.TRAIN);
      }
    }
    return Split.of(out);
  }

  /**
   * Keeps a fraction of each stratum's training subjects and marks the rest {@link
   * Partition#UNUSED}. The kept subjects of stratum s are the first {@code round(fraction * n_s)}
   * (at least one) of a seeded order that does not depend on the fraction, so the subsets are
   * nested: every subject kept at 10% is also kept at 25%.
   *
   * @param fraction in (0, 1]
   */
  public static Split labelFraction(Split split, Map<String, String> strata, double fraction, long seed) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException("label fraction must be in (0, 1], got " + fraction);
    }
    Map<String, String> trainStrata = new TreeMap<>();
    for (String s : split.subjects(Partition.TRAIN)) {
      String stratum = strata.get(s);
      if (stratum == null) {
        throw new IllegalArgumentException("subject " + s + " has no stratum");
      }
      trainStrata.put(s, stratum);
    }
    Map<String, Partition> out = new TreeMap<>(split.assignment());
    for (List<String> subjects : shuffledStrata(trainStrata, seed, "labelFraction").values()) {
      int keep = Math.max(1, (int) Math.round(fraction * subjects.size()));
      for (int i = keep; i < subjects.size(); i++) {
        out.put(subjects.get(i), Partition.UNUSED);
      }
    }
    return Split.of(out);
  }

  private static Map<String, List<String>> shuffledStrata(Map<String, String> strata, long seed, String purpose) {
    Map<String, List<String>> byStratum = new TreeMap<>();
    new TreeMap<>(strata).forEach((subject, stratum) -> byStratum.computeIfAbsent(stratum, k -> new ArrayList<>()).add(subject));
    byStratum.forEach((stratum, subjects) -> Collections.shuffle(subjects, new Random(Seeds.mix(seed, purpose + "/" + stratum))));
    return byStratum;
  }
}
