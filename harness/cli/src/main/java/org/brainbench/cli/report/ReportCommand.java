package org.brainbench.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.report.Leaderboard;
import org.brainbench.harness.report.MarkdownLeaderboard;
import org.brainbench.harness.report.Report;
import org.brainbench.harness.report.ReportFormat;
import org.brainbench.harness.report.Run;
import org.brainbench.harness.report.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code report DIR...}: the leaderboard of one or more results folders. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Leaderboard from results: mean ± sd over seeds and folds, bootstrap CIs, paired comparisons with the best.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", arity = "1..*", description = "Results folders (or results.jsonl files).")
  List<Path> sources;

  @Option(names = "--markdown", paramLabel = "FILE", description = "Write the Markdown leaderboard here (default: print it).")
  Path markdown;

  @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML leaderboard (sortable tables, charts, provenance).")
  Path html;

  @Option(names = "--plots", paramLabel = "DIR", description = "Write PNG charts per task into DIR (parameters vs metric, metric vs label fraction, learning curves).")
  Path plots;

  @Option(names = "--jsonl", paramLabel = "FILE", description = "Write every given folder's result rows into one results.jsonl-format file.")
  Path jsonl;

  @Option(names = "--title", paramLabel = "TEXT", description = "Heading of the leaderboard (default: the suites' names).")
  String title;

  @Option(names = "--against", paramLabel = "MODEL",
      description = "Also compare every model with this one (e.g. the from-scratch model of a transfer experiment): a paired difference with its 95%% CI per task and label fraction.")
  String against;

  @Option(names = "--resamples", paramLabel = "N", defaultValue = "" + Leaderboard.DEFAULT_RESAMPLES,
      description = "Bootstrap resamples for intervals and paired comparisons (default: ${DEFAULT-VALUE}).")
  int resamples;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (resamples < 100) {
      throw new UserInputException("--resamples: must be >= 100, got " + resamples);
    }
    List<Run> runs = Runs.read(sources);
    if (runs.isEmpty()) {
      throw new UserInputException(sources + ": no result rows");
    }
    Leaderboard board;
    try {
      board = Leaderboard.build(runs, resamples, against);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--against: " + String.join(", ", sources.stream().map(Path::toString).toList()) + ": " + e.getMessage());
    }
    long withoutPredictions = runs.stream().filter(r -> r.ok() && !"pretrain".equals(r.taskType()) && !java.nio.file.Files.isRegularFile(r.predictionsFile())).count();
    if (withoutPredictions > 0) {
      spec.commandLine().getErr().printf("warning: %d ok run(s) have no per-case predictions (predictions/<cell>.csv); "
          + "their groups get no bootstrap intervals and no paired comparison%n", withoutPredictions);
    }
    String heading = title != null ? title
        : "brainbench leaderboard: " + String.join(", ", runs.stream().map(Run::suite).distinct().toList());
    Report report = new Report(heading, board, runs);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Path> targets = new LinkedHashMap<>();
    targets.put("markdown", markdown);
    targets.put("html", html);
    targets.put("plots", plots);
    targets.put("jsonl", jsonl);
    boolean wrote = false;
    for (ReportFormat format : ReportFormat.all()) {
      Path target = targets.get(format.id());
      if (target != null) {
        for (Path p : format.write(report, target)) {
          out.println((format.writesFolder() ? "plot" : format.id()) + ": " + p);
        }
        wrote = true;
      }
    }
    if (!wrote) {
      out.print(MarkdownLeaderboard.render(board, heading));
    }
    out.flush();
    return Main.EXIT_OK;
  }
}
