package org.brainbench.harness.report;

import java.util.List;
import java.util.Map;

/**
 * One leaderboard line: a (task, model, backend, label fraction) over its runs. {@code vsBest} is
 * null for the best entry of its group and where no paired comparison was possible;
 * {@code vsReference} likewise for the comparison with the model a report names as its reference
 * (null when it names none, for the reference itself, and where the reference did not run).
 */
public record Entry(
    String suite,
    String task,
    String taskType,
    String model,
    String backend,
    double labelFraction,
    int runs,
    int ok,
    List<String> errors,
    Map<String, Stat> metrics,
    long totalParams,
    long trainableParams,
    double trainSeconds,
    boolean best,
    Comparison vsBest,
    Comparison vsReference,
    List<Run> members) {

  /** Best, or compared with the best on the same cases and not significantly different. */
  public boolean leading() {
    return best || (vsBest != null && vsBest.pairs() > 0 && !vsBest.significant());
  }
}
