package org.brainbench.harness.suite;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Training settings given at one level of a suite (suite, task, model, override), already checked
 * key by key. Later patches win: suite, then task, then model, then matching overrides in order.
 */
public record TrainingPatch(Map<String, Object> values) {
  public TrainingPatch {
    // sorted, not Map.copyOf: its iteration order changes from one JVM to the next, and a stage's
    // configuration hash (run --resume) includes this record's text
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  public static TrainingPatch empty() {
    return new TrainingPatch(Map.of());
  }

  public TrainingPatch then(TrainingPatch later) {
    Map<String, Object> merged = new LinkedHashMap<>(values);
    merged.putAll(later.values);
    return new TrainingPatch(merged);
  }
}
