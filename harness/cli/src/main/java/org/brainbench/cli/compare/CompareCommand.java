package org.brainbench.cli.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.compare.BaselineChoice;
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
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {
    "Compare results with a baseline; exit 1 on a regression, 2 on unusable input.",
    "Exact: a baseline cell missing or failed now, a changed parameter count.",
    "Metrics, per condition (a cell across its seeds): with 3+ seeds in the baseline, regressed when worse than the floor AND beyond",
    "what the seeds' spread explains (one-sided two-sample t-test, Holm-corrected at --alpha); with fewer, the floor per cell.",
    "A baseline may have more seeds than the results; its cells of seeds the results did not run are not required.",
    "Floors: 0.02 absolute for 0-1 metrics (auc, dice, r2, ...), 5%% relative for mae, rmse, hd95, loss; --tolerance sets them.",
    "BASELINE may hold one baseline per hardware class in subfolders; the results' class picks one, else all are pooled."})
public final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "BASELINE", description = "Baseline results (results.jsonl, its folder, or a folder of hardware-class folders).")
  Path baseline;

  @Parameters(index = "1", paramLabel = "RESULTS", description = "Results to check (results.jsonl or its folder).")
  Path results;

  @Option(names = "--tolerance", paramLabel = "METRIC=AMOUNT", description = "The floor of a metric: absolute (auc=0.03) or relative (mae=10%%); repeatable. A metric given here is also checked.")
  List<String> tolerances = new ArrayList<>();

  @Option(names = "--method", paramLabel = "M", defaultValue = "auto", description = "auto (default: the test where the baseline has 3+ seeds, else the floor), test (too few baseline seeds is an error) or tolerance (the floor per cell).")
  String method;

  @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.01", description = "Family-wise error rate of the metric tests (default: ${DEFAULT-VALUE}).")
  double alpha;

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
    RegressionCheck.Method m = switch (method) {
      case "auto" -> RegressionCheck.Method.AUTO;
      case "test" -> RegressionCheck.Method.TEST;
      case "tolerance" -> RegressionCheck.Method.TOLERANCE;
      default -> throw new UserInputException("--method: one of auto, test, tolerance, got \"" + method + "\"");
    };
    if (!(alpha > 0 && alpha < 1)) {
      throw new UserInputException("--alpha: must be in (0, 1), got " + alpha);
    }
    Map<String, ResultRow> now = byCell(results);
    String hardwareClass = now.values().stream().map(r -> r.provenance() == null ? null : r.provenance().hardwareClass())
        .filter(Objects::nonNull).findFirst().orElse(null);
    BaselineChoice choice = BaselineChoice.pick(baseline, hardwareClass);
    checkSameSuite(choice.rows(), now.values());
    List<Finding> findings;
    try {
      findings = new RegressionCheck(parsed, m, alpha).compare(choice.rows(), now);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(baseline + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("baseline: " + choice.description());
    out.print(DiffTable.render(findings, all));
    out.flush();
    return findings.stream().anyMatch(Finding::regressed) ? Main.EXIT_CHECK_FAILED : Main.EXIT_OK;
  }

  /** A baseline made from another suite is a usage error, not a regression. */
  private void checkSameSuite(List<ResultRow> base, Collection<ResultRow> now) {
    Set<String> b = new TreeSet<>();
    base.forEach(r -> b.add(r.suite()));
    Set<String> n = new TreeSet<>();
    now.forEach(r -> n.add(r.suite()));
    if (!b.isEmpty() && !n.isEmpty() && Collections.disjoint(b, n)) {
      throw new UserInputException(baseline + ": the baseline is from suite " + b + ", the results from " + n + "; compare runs of one suite");
    }
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
