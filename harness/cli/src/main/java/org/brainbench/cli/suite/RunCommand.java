package org.brainbench.cli.suite;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.brainbench.api.backend.Backends;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.run.Shards;
import org.brainbench.harness.run.SuiteRunner;
import org.brainbench.harness.run.Summary;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run SUITE.yaml}: runs the suite's cells and writes {@code results.jsonl} with predictions. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Run a suite's cells; writes DIR/results.jsonl, predictions/ and checkpoints/.")
public final class RunCommand implements Callable<Integer> {
  private static final Pattern SEEDS = Pattern.compile("(\\d{1,15})(?:-(\\d{1,15}))?");

  @Parameters(paramLabel = "SUITE.yaml", description = "The suite file.")
  Path suiteFile;

  @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: results/<suite name>).")
  Path out;

  @Option(names = "--backend", paramLabel = "NAME", description = "Run on this backend instead of the suite's.")
  String backend;

  @Option(names = "--only", paramLabel = "GLOB", description = "Only cells whose id matches, e.g. 'brain-age/*/**' (* stays within one part of the id, ** crosses parts).")
  String only;

  @Option(names = "--seeds", paramLabel = "LIST", description = "Run these seeds instead of the suite's, e.g. 1-10 or 1,2,5 (a CI baseline with more seeds than the suite).")
  String seeds;

  @Option(names = "--shard", paramLabel = "I/N", description = "Run only shard I of N (1-based); cells needing the same pre-training run stay together. Join shards with merge.")
  String shard;

  @Option(names = "--resume", description = "Keep cells that finished ok in an earlier run of the same configuration on the same data; run the rest.")
  boolean resume;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Suite suite = SuiteReader.read(suiteFile);
    if (seeds != null) {
      suite = suite.withSeeds(parseSeeds(seeds));
    }
    List<Cell> matrix = cells(suite, backend, null);
    List<Cell> cells = only(matrix, only);
    List<String> weights = org.brainbench.harness.run.WeightsPreflight.problems(suite, cells);
    if (!weights.isEmpty()) {
      throw new UserInputException(suiteFile + ": weights files that do not fit (" + weights.size() + "):\n  " + String.join("\n  ", weights));
    }
    List<String> splits = org.brainbench.harness.run.SplitFilesPreflight.problems(suite);
    if (!splits.isEmpty()) {
      throw new UserInputException(suiteFile + ": split tables that do not fit (" + splits.size() + "):\n  " + String.join("\n  ", splits));
    }
    Path folder = out != null ? out : Path.of("results", suite.name());
    PrintWriter log = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String part = "";
    if (shard != null) {
      Shards.Shard s;
      try {
        s = Shards.Shard.parse(shard);
      } catch (IllegalArgumentException e) {
        throw new UserInputException("--shard: " + e.getMessage());
      }
      int all = cells.size();
      cells = Shards.select(suite, matrix, cells, s);
      part = String.format(" (shard %s: %d of %d)", s, cells.size(), all);
      if (cells.isEmpty()) {
        // an empty shard still leaves a results file, so merge sees every shard
        ResultsFile.open(folder).writeAll();
        out.printf("shard %s of suite %s has no cells%s; wrote an empty %s%n", s, suite.name(), only == null ? "" : " matching --only " + only, folder.resolve(ResultsFile.NAME));
        out.flush();
        return Main.EXIT_OK;
      }
    }
    log.printf("brainbench %s: %d cell(s)%s, results in %s%n", suite.name(), cells.size(), part, folder);
    log.flush();
    List<ResultRow> rows = new SuiteRunner(suite, folder, log, Main.version(), resume).run(cells);
    Summary.print(suite, rows, out);
    long failed = rows.stream().filter(r -> !r.ok()).count();
    out.printf("%nresults: %s (%d ok, %d failed)%n", folder.resolve("results.jsonl"), rows.size() - failed, failed);
    out.flush();
    return failed > 0 ? Main.EXIT_CHECK_FAILED : Main.EXIT_OK;
  }

  /** Seeds as {@code --seeds} gives them: numbers and ranges ({@code 1-10}), comma-separated, each once. */
  static List<Long> parseSeeds(String text) {
    LinkedHashSet<Long> out = new LinkedHashSet<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      Matcher m = SEEDS.matcher(p);
      if (!m.matches()) {
        throw new UserInputException("--seeds: \"" + p + "\" is not a seed or a range of seeds (e.g. 1-10 or 1,2,5)");
      }
      long from = Long.parseLong(m.group(1));
      long to = m.group(2) == null ? from : Long.parseLong(m.group(2));
      if (to < from || to - from > 10_000) {
        throw new UserInputException("--seeds: range " + p + " must go up and hold at most 10001 seeds");
      }
      for (long v = from; v <= to; v++) {
        if (!out.add(v)) {
          throw new UserInputException("--seeds: seed " + v + " is given twice");
        }
      }
    }
    return List.copyOf(out);
  }

  /** The suite's cells after --backend and --only. */
  static List<Cell> cells(Suite suite, String backend, String only) {
    Suite s = suite;
    if (backend != null) {
      if (Backends.find(backend) == null) {
        throw new UserInputException("--backend: unknown backend \"" + backend + "\"; available: " + Backends.ids());
      }
      s = suite.withBackends(List.of(backend));
    }
    List<String> problems = new ArrayList<>();
    List<Cell> cells = CellMatrix.expand(s, problems);
    if (!problems.isEmpty()) {
      throw new UserInputException(String.join("\n", problems));
    }
    return only(cells, only);
  }

  /** The cells that --only keeps; none is an input error. */
  private static List<Cell> only(List<Cell> matrix, String only) {
    List<Cell> cells = CellMatrix.only(matrix, only);
    if (cells.isEmpty()) {
      throw new UserInputException("no cells to run" + (only == null ? "" : " match --only " + only));
    }
    return cells;
  }
}
