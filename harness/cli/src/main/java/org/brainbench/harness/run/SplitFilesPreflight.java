package org.brainbench.harness.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.DatasetLoader;
import org.brainbench.tasks.dataset.DatasetProblem;
import org.brainbench.tasks.split.SubjectLists;

/**
 * Checks every task split by subject tables before a run: a subject in two tables (a leak), or one
 * the dataset lacks, is bad input, not a failed cell. Reads the dataset's listing only (no images).
 */
public final class SplitFilesPreflight {
  private SplitFilesPreflight() {}

  /** One line per problem; empty when every table fits its dataset. */
  public static List<String> problems(Suite suite) throws IOException {
    List<String> out = new ArrayList<>();
    for (TaskEntry task : suite.tasks()) {
      if (task.split().files() == null) {
        continue;
      }
      List<DatasetProblem> readProblems = new ArrayList<>();
      Dataset d = DatasetLoader.read(suite.datasets().get(task.dataset()).source(), task.type(), readProblems);
      if (d == null) {
        continue; // the run reports the dataset's own problems
      }
      try {
        SubjectLists.read(task.split().files(), d.subjectIds());
      } catch (IOException e) {
        out.add("tasks " + task.name() + ": " + e.getMessage());
      }
    }
    return out;
  }
}
