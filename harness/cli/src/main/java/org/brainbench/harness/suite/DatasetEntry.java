package org.brainbench.harness.suite;

import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetSource;

/**
 * A dataset a suite names: files on disk ({@code source}), or a task folder of the built-in data
 * ({@code builtinTask}, with {@code source} pointing into the folder of {@code builtin}: the
 * suite's built-in data, or a copy of another size that the dataset asked for).
 */
public record DatasetEntry(String name, DatasetSource source, TaskType builtinTask, BuiltinData builtin) {
  public boolean isBuiltin() {
    return builtinTask != null;
  }
}
