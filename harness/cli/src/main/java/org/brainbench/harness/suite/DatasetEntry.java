package org.brainbench.harness.suite;

import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetSource;

/**
 * A dataset a suite names: files on disk ({@code source}), or a task folder of the built-in data
 * ({@code builtinTask}, with {@code source} pointing into the builtin folder).
 */
public record DatasetEntry(String name, DatasetSource source, TaskType builtinTask) {
  public boolean isBuiltin() {
    return builtinTask != null;
  }
}
