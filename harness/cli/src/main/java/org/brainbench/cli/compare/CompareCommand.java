package org.brainbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.compare.DiffTable;
import org.brainbench.harness.compare.Finding;
import org.brainbench.harness.compare.RegressionCheck;
import org.brainbench.harness.compare.Tolerance;
import org.brainbench.harness.report.Run;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.report.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code compare BASELINE RESULTS}: CI regression check; exit 1 when something regressed. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {"Compare results with a baseline cell by cell; exit 1 on a regression.",
    "Regressions: a baseline cell missing or failed, a metric worse beyond its tolerance, a changed parameter count.",
    "Default tolerances: 0.02 absolute for 0-1 metrics (auc, dice, r2, ...), 5% relative for mae, rmse, hd95, loss."})
public final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BASELINE", description = "Baseline results (results.jsonl or its folder).")
  Path baseline;

  @Parameters(index = "1", paramLabel = "RESULTS", description = "Results to check (results.jsonl or its folder).")
  Path results;

  @Option(names = "--tolerance", paramLabel = "METRIC=AMOUNT", description = "Absolute (auc=0.03) or relative (mae=10%) tolerance; repeatable. A metric given here is also checked.")
  List<String> tolerances = new ArrayList<>();

  @Option(names = "--all", description = "List every compared metric, not only the ones that changed.")
  boolean all;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Tolerance> parsed = new ArrayList<>();
    for (String t : tolerances) {
      try {
        parsed.add(Tolerance.parse(t));
      } catch (IllegalArgumentException e) {
        throw new UserInputException("--tolerance: " + e.getMessage());
      }
    }
    Map<String, ResultRow> base = byCell(baseline);
    Map<String, ResultRow> now = byCell(results);
    List<Finding> findings = new RegressionCheck(parsed).compare(base, now);
    PrintWriter out = spec.commandLine().getOut();
    out.print(DiffTable.render(findings, all));
    out.flush();
    return findings.stream().anyMatch(Finding::regressed) ? Main.EXIT_CHECK_FAILED : Main.EXIT_OK;
  }

  private static Map<String, ResultRow> byCell(Path source) throws IOException {
    Map<String, ResultRow> rows = new LinkedHashMap<>();
    for (Run r : Runs.read(List.of(source))) {
      if (rows.put(r.cell(), r.row()) != null) {
        throw new UserInputException(source + ": cell " + r.cell() + " appears twice");
      }
    }
    return rows;
  }
}
