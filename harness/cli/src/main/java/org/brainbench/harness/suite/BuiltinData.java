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
  /** The folder name under the cache: every setting that changes the data is in it. */
  public static String folderName(int[] shape, int subjects, long seed, double followUp) {
    return String.format(java.util.Locale.ROOT, "builtin-%dx%dx%d-n%d-s%d-f%s", shape[0], shape[1], shape[2], subjects, seed, Node.fmt(followUp));
  }

  /** The same simulator settings with another number of subjects per task, in its own folder beside this one. */
  public BuiltinData withSubjects(int n) {
    return n == subjects ? this : new BuiltinData(shape, n, seed, followUp, folder.resolveSibling(folderName(shape, n, seed, followUp)));
  }

  public SynthSettings settings(List<TaskType> tasks, int threads) {
    return new SynthSettings(shape, null, seed, subjects, tasks, followUp, threads);
  }
}
