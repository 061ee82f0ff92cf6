package org.brainbench.harness.result;

import java.util.List;
import java.util.Map;

/**
 * The hyperparameter search a cell's training settings came from (a suite's {@code tune:} block):
 * every trial with its settings and validation score, and the settings chosen.
 *
 * @param search {@code grid} or {@code random}
 * @param scope {@code first-seed} (the search ran once, on {@code tunedOn}, and its choice is reused
 *     by the other seeds) or {@code cell}
 * @param metric the validation metric the trials were ranked by (the task's first metric)
 * @param tunedOn the id of the cell whose training and validation subjects the trials used
 * @param trials in the order they ran
 * @param chosen the best trial's settings, which trained this cell
 */
public record TuningReport(String search, String scope, String metric, String tunedOn, List<Trial> trials, Map<String, Double> chosen) {
  public TuningReport {
    trials = List.copyOf(trials);
    chosen = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(chosen));
  }

  /**
   * One trial.
   *
   * @param settings the tuned keys' values
   * @param score the best validation score over its epochs (NaN if it failed)
   * @param bestEpoch the epoch that score came from
   * @param seconds how long it trained
   * @param error why it failed (diverged, for one), or null
   */
  public record Trial(Map<String, Double> settings, double score, int bestEpoch, double seconds, String error) {
    public Trial {
      settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
    }
  }
}
