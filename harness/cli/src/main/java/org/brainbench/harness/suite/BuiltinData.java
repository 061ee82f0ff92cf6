package org.brainbench.harness.suite;

import java.nio.file.Path;
import java.util.List;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.synth.SynthSettings;

/**
 * The built-in simulated dataset a suite uses ({@code builtin:} in the suite), generated on first
 * use into {@code folder} and reused while its settings stay the same.
 */
public record BuiltinData(int[] shape, int subjects, long seed, double followUp, Path folder) {
  public SynthSettings settings(List<TaskType> tasks, int threads) {
    return new SynthSettings(shape, null, seed, subjects, tasks, followUp, threads);
  }
}
