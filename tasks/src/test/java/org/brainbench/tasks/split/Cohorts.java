package org.brainbench.tasks.split;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.Scan;

/** Random cohorts for split properties: subjects with classes, ages and one to three sessions. */
final class Cohorts {
  private Cohorts() {}

  /** A cohort and the recipe that built it (shown when a property fails). */
  record Cohort(int subjects, int classes, int maxSessions, long seed, Dataset dataset) {
    @Override
    public String toString() {
      return "Cohort[" + subjects + " subjects, " + classes + " classes, <= " + maxSessions + " sessions, seed " + seed + "]";
    }

    /** The same scans in another row order. */
    Dataset shuffledRows(long shuffleSeed) {
      List<Scan> scans = new ArrayList<>(dataset.scans());
      Collections.shuffle(scans, new Random(shuffleSeed));
      return new Dataset(dataset.name(), dataset.type(), dataset.source(), dataset.channels(), scans);
    }
  }

  /** A cohort of 1 to {@code maxSubjects} subjects, 1 to 4 classes and at most 1 to 3 sessions. */
  static Cohort random(Random r, int maxSubjects) {
    return cohort(Cases.between(r, 1, maxSubjects), Cases.between(r, 1, 4), Cases.between(r, 1, 3), r.nextLong());
  }

  /** The smallest and largest cohorts {@link #random} can draw, with one or many classes and sessions. */
  static List<Cohort> edges(int maxSubjects) {
    return List.of(
        cohort(1, 1, 1, 0),
        cohort(1, 4, 3, 1),
        cohort(maxSubjects, 1, 1, Long.MIN_VALUE),
        cohort(maxSubjects, 4, 3, Long.MAX_VALUE));
  }

  static Cohort cohort(int n, int classes, int maxSessions, long seed) {
    Random r = new Random(seed);
    // ids are not in row order, and some sort differently as text than as numbers
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      numbers.add(i * 7 + r.nextInt(7));
    }
    Collections.shuffle(numbers, r);
    List<Scan> scans = new ArrayList<>();
    int line = 2;
    for (int id : numbers) {
      String subject = "sub-" + id;
      String label = "c" + r.nextInt(classes);
      double age = 20 + Math.round(r.nextDouble() * 700) / 10.0;
      int sessions = 1 + r.nextInt(maxSessions);
      for (int s = 0; s < sessions; s++) {
        String session = sessions == 1 && r.nextBoolean() ? null : "ses-" + (s + 1);
        scans.add(new Scan(subject, session, List.of(), null, label, age + s, Map.of(), "manifest.csv:" + line++));
      }
    }
    Collections.shuffle(scans, r);
    Dataset d = new Dataset("cohort", TaskType.CLASSIFY, java.nio.file.Path.of("manifest.csv"), List.of("image"), scans);
    return new Cohort(n, classes, maxSessions, seed, d);
  }

  /** The same map in reverse iteration order. */
  static Map<String, String> reversed(Map<String, String> strata) {
    List<String> keys = new ArrayList<>(strata.keySet());
    Collections.reverse(keys);
    Map<String, String> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, strata.get(k)));
    return out;
  }

  /** Subjects per stratum. */
  static Map<String, List<String>> byStratum(Map<String, String> strata) {
    Map<String, List<String>> out = new TreeMap<>();
    strata.forEach((s, st) -> out.computeIfAbsent(st, k -> new ArrayList<>()).add(s));
    return out;
  }

  /** How many of {@code subjects} a split puts in {@code partition}. */
  static int count(Split split, List<String> subjects, Partition partition) {
    int n = 0;
    for (String s : subjects) {
      if (split.partitionOf(s) == partition) {
        n++;
      }
    }
    return n;
  }

  static Map<Partition, Integer> counts(Split split) {
    Map<Partition, Integer> out = new HashMap<>();
    split.assignment().values().forEach(p -> out.merge(p, 1, Integer::sum));
    return out;
  }
}
