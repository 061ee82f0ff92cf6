package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/** A dataset that cannot be used, with every problem found (not only the first). */
public final class DatasetException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient List<DatasetProblem> problems;

  public DatasetException(List<DatasetProblem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<DatasetProblem> problems() {
    return problems;
  }

  private static String summary(List<DatasetProblem> problems) {
    String head = problems.size() == 1 ? "1 problem in the dataset" : problems.size() + " problems in the dataset";
    return head + ":\n" + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
