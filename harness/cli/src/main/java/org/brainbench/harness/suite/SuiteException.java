package org.brainbench.harness.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A suite that cannot be used, with every problem found: each names the file and the path inside
 * it ({@code suite.yaml: models[1].params.widthFactor: must be > 0, got 0}).
 */
public final class SuiteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public SuiteException(Path file, List<String> problems) {
    super(problems.stream().map(p -> file + ": " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code path: message}, without the file name. */
  public List<String> problems() {
    return problems;
  }
}
