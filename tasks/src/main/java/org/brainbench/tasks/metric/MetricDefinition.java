package org.brainbench.tasks.metric;

import org.brainbench.tasks.TaskType;

/**
 * One metric, described once: what suites, {@code describe}, reports and {@code compare} know of it.
 *
 * @param name the key in result rows and {@code score} output
 * @param task the task type that reports it
 * @param direction which way is better
 * @param definition how it is computed, with its edge cases, in one sentence
 * @param selectable whether a suite may list it under a task's {@code metrics} (the rest are reported
 *     alongside, e.g. per-label maps and pre-training diagnostics)
 * @param reported whether a task reports it first when its suite lists no metrics (in registry order;
 *     the first one reported drives early stopping)
 * @param shown whether leaderboards show it as a column and {@code compare} checks it by default
 * @param primary whether leaderboards rank by it (one per task type)
 */
public record MetricDefinition(
    String name, TaskType task, Direction direction, String definition, boolean selectable, boolean reported, boolean shown, boolean primary) {
  /** Which way is better. */
  public enum Direction {
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER;

    @Override
    public String toString() {
      return this == HIGHER_IS_BETTER ? "higher is better" : "lower is better";
    }
  }

  public boolean higherIsBetter() {
    return direction == Direction.HIGHER_IS_BETTER;
  }

  /** True when {@code a} is better than {@code b}. */
  public boolean better(double a, double b) {
    return higherIsBetter() ? a > b : a < b;
  }

  /** How much worse {@code current} is than {@code baseline} (negative when better). */
  public double worsening(double baseline, double current) {
    return higherIsBetter() ? baseline - current : current - baseline;
  }
}
