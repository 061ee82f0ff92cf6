package org.brainbench.cli.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate SUITE.yaml}: checks a suite without running it. */
@Command(name = "validate", description = "Check a suite without running it; lists every problem with its path, exit 2 if invalid.")
public final class ValidateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SUITE.yaml", description = "The suite file.")
  Path suiteFile;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Suite suite = SuiteReader.read(suiteFile);
    List<Cell> cells = RunCommand.cells(suite, null, null);
    var out = spec.commandLine().getOut();
    out.printf("%s: valid suite \"%s\": %d task(s), %d model(s), backends %s, %d cell(s)%n", suiteFile, suite.name(),
        suite.tasks().size(), suite.models().size(), suite.backends(), cells.size());
    for (Cell c : cells) {
      out.println("  " + c.id());
    }
    return Main.EXIT_OK;
  }
}
