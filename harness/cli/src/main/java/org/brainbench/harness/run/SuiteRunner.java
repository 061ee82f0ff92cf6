package org.brainbench.harness.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.preprocess.PreprocessCache;

/**
 * Runs a suite's cells in order, in this JVM (docs/suites.md, "The runner"): the built-in data is
 * provisioned first, each task's data is loaded once and shared by its cells, and every finished
 * cell's row is written before the next starts. A failed cell is recorded and the suite goes on.
 */
public final class SuiteRunner {
  private final Suite suite;
  private final Path out;
  private final PrintWriter log;
  private final String harnessVersion;
  private final Map<String, TaskData> data = new HashMap<>();
  private final java.util.Set<String> stageRows = new java.util.HashSet<>();
  private final boolean resume;
  private final PreprocessCache cache;
  private CellRunner cellRunner;

  public SuiteRunner(Suite suite, Path out, PrintWriter log, String harnessVersion) {
    this(suite, out, log, harnessVersion, false);
  }

  /**
   * @param resume keep a cell's finished row instead of running it again when the row is ok and
   *     was made from the same configuration and data (its configHash and datasetHash match)
   */
  public SuiteRunner(Suite suite, Path out, PrintWriter log, String harnessVersion, boolean resume) {
    this.suite = suite;
    this.out = out;
    this.log = log;
    this.harnessVersion = harnessVersion;
    this.resume = resume;
    // damaged entries, found when samples are read back during training, are named in the run's log
    this.cache = new PreprocessCache(suite.cacheFolder().resolve("preprocessed"), message -> {
      synchronized (log) {
        log.println("warning: " + message);
        log.flush();
      }
    });
  }

  /** Runs the cells; returns their rows (also written to {@code out/results.jsonl}). */
  /** The copy of the suite a results folder was made from. */
  public static final String SUITE_COPY = "suite.yaml";

  public List<ResultRow> run(List<Cell> cells) throws IOException {
    if (suite.threads() > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(suite.threads()));
    }
    BuiltinProvisioner.ensure(suite, log);
    ResultsFile results = ResultsFile.open(out);
    if (suite.file() != null) {
      // the suite beside its results: predict and embed rebuild a cell's model and preprocessing from it
      org.brainbench.tasks.io.AtomicFiles.writeString(out.resolve(SUITE_COPY), java.nio.file.Files.readString(suite.file()));
    }
    results.repaired().ifPresent(msg -> {
      log.println("warning: " + msg);
      log.flush();
    });
    CellRunner runner = new CellRunner(suite, out, harnessVersion, resume);
    cellRunner = runner;
    StageRunner stages = new StageRunner(suite, out, runner);
    Map<String, ResultRow> previous = new HashMap<>();
    results.rows().forEach(r -> previous.put(r.cell(), r));
    List<ResultRow> rows = new ArrayList<>();
    // a first-seed tuning of another seed's cell needs the first seed's stage
    runner.tuningStages(c -> {
      try {
        return c.model().initStage() == null ? null
            : ensureStage(suite.stage(c.model().initStage()), c, Backends.find(c.backend()), stages, results, previous, rows);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    long suiteStart = System.nanoTime();
    int i = 0;
    int ran = 0;
    for (Cell cell : cells) {
      i++;
      ResultRow kept = resume ? finished(previous.get(cell.id()), cell) : null;
      if (kept != null) {
        rows.add(kept);
        log.printf("[%d/%d] %s  finished before, kept (--resume)%n", i, cells.size(), cell.id());
        log.flush();
        continue;
      }
      ran++;
      log.printf("[%d/%d] %s%n", i, cells.size(), cell.id());
      log.flush();
      long start = System.nanoTime();
      ResultRow row;
      try {
        Backend backend = Backends.find(cell.backend());
        Path stageWeights = cell.model().initStage() == null ? null
            : ensureStage(suite.stage(cell.model().initStage()), cell, backend, stages, results, previous, rows);
        TaskData taskData = taskData(cell.task());
        row = runner.run(cell, taskData, backend, stageWeights);
      } catch (IOException | RuntimeException e) {
        row = CellRunner.failed(suite, cell, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      }
      results.put(row);
      if (row.ok()) {
        java.nio.file.Files.deleteIfExists(EpochCheckpoint.forCell(out, cell.id())); // the row is the result now
      }
      rows.add(row);
      double elapsed = (System.nanoTime() - suiteStart) / 1e9;
      double eta = elapsed / ran * (cells.size() - i);
      log.printf("[%d/%d] %s  %s  (%.0f s; suite %s elapsed, ETA %s)%n", i, cells.size(), cell.id(), Summary.oneLine(row, cell.task()),
          (System.nanoTime() - start) / 1e9, clock(elapsed), clock(eta));
      log.flush();
    }
    return rows;
  }

  /**
   * Runs a pre-training stage for a cell's backend and seed unless this invocation already did (or,
   * with --resume, an earlier run did from the same configuration and data), after the stage it
   * starts from; returns its weights. A stage runs once per invocation and backend and seed.
   */
  private Path ensureStage(org.brainbench.harness.suite.Stage stage, Cell cell, Backend backend, StageRunner stages, ResultsFile results,
      Map<String, ResultRow> previous, List<ResultRow> rows) throws IOException {
    Path from = stage.initStage() == null ? null : ensureStage(suite.stage(stage.initStage()), cell, backend, stages, results, previous, rows);
    Cell stageCell = CellMatrix.stageCell(stage, cell.backend(), stage.seedFor(cell.seed()), suite.training());
    ResultRow stageRow = previous.get(stageCell.id());
    boolean ranNow = stageRows.contains(stageCell.id());
    boolean reusable = !ranNow && resume && StageRunner.isDone(previous, out, stageCell)
        && stages.matches(stageRow, stageCell, taskData(stageCell.task()));
    if (reusable) {
      stageRows.add(stageCell.id());
      log.printf("      pre-training stage %s finished before, kept (--resume)%n", stageCell.id());
    } else if (!ranNow) {
      log.printf("      pre-training stage %s%s%n", stageCell.id(), from == null ? "" : " from " + stage.initStage());
      log.flush();
      stageRow = stages.run(stageCell, taskData(stageCell.task()), backend, from);
      results.put(stageRow);
      if (stageRow.ok()) {
        java.nio.file.Files.deleteIfExists(StageRunner.trainingState(out, stageCell));
      }
      rows.add(stageRow);
      previous.put(stageCell.id(), stageRow);
      stageRows.add(stageCell.id());
      log.printf("      %s  %s%n", stageCell.id(), Summary.stageLine(stageRow));
    }
    if (!StageRunner.isDone(previous, out, stageCell)) {
      throw new IllegalStateException("pre-training stage " + stageCell.id() + " failed: " + previous.get(stageCell.id()).errorText());
    }
    return StageRunner.weights(out, stageCell);
  }

  /** The previous row when --resume may keep it: ok, and made from this configuration and data. */
  private ResultRow finished(ResultRow row, Cell cell) throws IOException {
    if (row == null || !row.ok() || row.provenance() == null) {
      return null;
    }
    TaskData d = taskData(cell.task());
    boolean same = cellRunner.configHash(cell, d).equals(row.provenance().configHash()) && d.hash().equals(row.provenance().datasetHash());
    if (!same) {
      log.printf("      %s: configuration or data changed since its row was written; running it again%n", cell.id());
    }
    return same ? row : null;
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }

  /**
   * A task's data, loaded once. Pre-training stages on the same dataset and preprocessing share one
   * copy (their scans carry no labels, so nothing else tells them apart): chained stages on a large
   * cohort would otherwise hold it in memory once per stage.
   */
  private TaskData taskData(TaskEntry task) throws IOException {
    String key = task.type() == org.brainbench.tasks.TaskType.PRETRAIN ? "pretrain|" + task.dataset() + "|" + task.preprocess().key() : task.name();
    TaskData d = data.get(key);
    if (d == null) {
      var source = suite.datasets().get(task.dataset()).source();
      int scans = countRows(source.path());
      try (Progress p = Progress.start("  load " + task.name(), Math.max(1, scans))) {
        d = TaskData.load(task, source, cache, p::stepTo);
      }
      data.put(key, d);
    }
    return d;
  }

  private static int countRows(Path source) {
    try {
      Path manifest = java.nio.file.Files.isDirectory(source) ? org.brainbench.tasks.dataset.DatasetFormat.manifestIn(source) : source;
      if (manifest == null) {
        return 0;
      }
      try (var lines = java.nio.file.Files.lines(manifest)) {
        return (int) lines.count() - 1;
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
