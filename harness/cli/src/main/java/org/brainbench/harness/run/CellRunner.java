package org.brainbench.harness.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.BackendInfo;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.FineTune;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.harness.result.Environment;
import org.brainbench.harness.result.InitReport;
import org.brainbench.harness.result.MetricValues;
import org.brainbench.harness.result.ParamCounts;
import org.brainbench.harness.result.PredictionFiles;
import org.brainbench.harness.result.Provenance;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.Timing;
import org.brainbench.harness.score.Scores;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.Stage;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.seed.Seeds;
import org.brainbench.tasks.split.Partition;
import org.brainbench.tasks.split.Split;
import org.brainbench.tasks.split.Splitter;

/**
 * Runs one cell: split (by subject, seeded, with the label fraction), build the model, train,
 * predict the test set, score it with confidence intervals and trivial baselines, write the
 * predictions and the best checkpoint, and return the result row. A failure anywhere becomes a row
 * with {@code status: failed} and the reason.
 */
final class CellRunner {
  private final Suite suite;
  private final Path out;
  private final String harnessVersion;
  private final boolean resume;

  private final Tuner tuner;

  /** @param resume continue unfinished cells from their last epoch's training state */
  CellRunner(Suite suite, Path out, String harnessVersion, boolean resume) {
    this.suite = suite;
    this.out = out;
    this.harnessVersion = harnessVersion;
    this.resume = resume;
    this.tuner = suite.tune() == null ? null : new Tuner(suite, out, this);
  }

  boolean resume() {
    return resume;
  }

  /** Where the tuning of a cell finds the weights of the stage another seed's cell starts from. */
  void tuningStages(java.util.function.Function<Cell, Path> stageWeights) {
    if (tuner != null) {
      tuner.stages(stageWeights);
    }
  }

  /**
   * What a cell trains, validates and tests on: its split (by subject, seeded, with the label
   * fraction), the partitions' samples, the targets fitted on the training samples and the head on
   * the data's grid.
   */
  record Prepared(Split split, List<Sample> train, List<Sample> validation, List<Sample> test, Targets targets, TaskHead head, ModelSpec spec) {}

  static Prepared prepare(Cell cell, TaskData data) {
    TaskEntry task = cell.task();
    long splitSeed = task.split().seedFor(cell.seed());
    Split split = data.fixedSplit() != null ? data.fixedSplit() : Splitter.split(data.strata(), task.split(), cell.fold(), splitSeed);
    if (cell.labelFraction() < 1) {
      split = Splitter.labelFraction(split, data.strata(), cell.labelFraction(), Seeds.mix(splitSeed, "labelFraction"));
    }
    List<Sample> train = data.samples(split.scans(data.dataset(), Partition.TRAIN));
    List<Sample> validation = data.samples(split.scans(data.dataset(), Partition.VALIDATION));
    List<Sample> test = data.samples(split.scans(data.dataset(), Partition.TEST));
    if (train.isEmpty() || test.isEmpty()) {
      throw new IllegalStateException("the split leaves " + train.size() + " training and " + test.size() + " test scans; use more subjects or other fractions");
    }
    TaskHead head = CellMatrix.head(task, cell.model(), data.channels());
    int[] g = {data.grid().nz(), data.grid().ny(), data.grid().nx()};
    // what the model derives from the training targets (SFCN's age bins) is fixed before it is built
    ModelSpec spec = task.type() == org.brainbench.tasks.TaskType.REGRESS ? cell.model().spec().fittedToTargets(task.type(), Targets.ages(train))
        : cell.model().spec();
    return new Prepared(split, train, validation, test, Targets.fit(task, train, spec.standardisesRegressionTarget(), data.regions()),
        new TaskHead(head.type(), head.inputChannels(), g, head.outputs()), spec);
  }

  /**
   * Builds the cell's model, initialises it (from the stage's weights or a file its spec names),
   * freezes what its fine-tuning mode freezes, and hands it to {@code use}; closes it after.
   */
  static <T> T withModel(Cell cell, Prepared p, TaskData data, Backend backend, Path stageWeights, java.util.function.BiFunction<Model, InitReport, T> use) {
    try (Model model = backend.newModel(p.spec(), p.head(), cell.training(), cell.seed())) {
      InitReport init = Initialisation.apply(model, cell.model(), stageWeights, data.channels());
      model.setFrozen(cell.model().spec().frozenBy(cell.model().fineTune()));
      return use.apply(model, init);
    }
  }

  /**
   * @param stageWeights the checkpoint of the pre-training stage the model starts from, or null
   */
  ResultRow run(Cell cell, TaskData data, Backend backend, Path stageWeights) {
    RowBuilder row = new RowBuilder(suite, cell);
    Instant started = Instant.now();
    Environment.resetPeakMemory();
    try {
      BackendInfo info = backend.info();
      TaskEntry task = cell.task();
      Cell trained = cell; // the cell, with the training settings its tuning chose
      boolean probe = cell.model().fineTune() == FineTune.LINEAR_PROBE; // fits a linear head; nothing to tune
      if (tuner != null && !probe) {
        row.tuning = tuner.tune(cell, data, backend, stageWeights);
        trained = Tuner.apply(cell, row.tuning.chosen());
      }
      Prepared prepared = prepare(cell, data);
      Split split = prepared.split();
      List<Sample> train = prepared.train();
      List<Sample> validation = prepared.validation();
      List<Sample> test = prepared.test();
      row.split = counts(split);
      row.labelConvention = data.labelConvention();
      Targets targets = prepared.targets();
      TaskHead head = prepared.head();
      row.provenance = provenance(cell, info, data, split, head);
      long trainStart = System.nanoTime();
      TrainingLoop.Result result;
      Scores scores;
      ParameterCount params;
      double evalSeconds;
      int stepsPerEpoch = TrainingLoop.steps(train.size(), trained.training().batchSize());
      try (Model model = backend.newModel(prepared.spec(), head, trained.training(), cell.seed());
          Progress progress = Progress.start("  train " + cell.id(), (long) stepsPerEpoch * trained.training().epochs())) {
        row.init = Initialisation.apply(model, cell.model(), stageWeights, data.channels());
        row.provenance = row.provenance.withThreads(model.threads());
        model.setFrozen(cell.model().spec().frozenBy(cell.model().fineTune()));
        params = model.parameterCount();
        if (probe) {
          long probeStart = System.nanoTime();
          LinearProbe.Fit fit = LinearProbe.fit(cell, prepared, model, data.grid());
          model.importWeights(fit.head().tensors(), false);
          row.tuning = fit.search();
          result = new TrainingLoop.Result(List.of(), 0, (System.nanoTime() - probeStart) / 1e9, 0, train.size(), 0);
        } else {
          TrainingLoop.Validator validator = validation.isEmpty() ? null
              : TrainingLoop.forTask(task, validation, targets, data.grid(), cell.seed(), trained.training().batchSize());
          EpochCheckpoint checkpoint = new EpochCheckpoint(EpochCheckpoint.forCell(out, cell.id()).getParent(),
              resumeKey(configHash(cell, head), data, split, stageWeights), resume);
          result = TrainingLoop.run(new TrainingLoop.Plan(model, trained.training(), train, validator, targets, data.grid(), cell.seed()),
              TrainingLoop.standard(validator, checkpoint, progress));
        }
        long evalStart = System.nanoTime();
        List<float[]> outputs = Predictions.predict(model, test, trained.training().batchSize());
        scores = Predictions.score(task, test, outputs, targets, data.grid(), cell.seed());
        evalSeconds = (System.nanoTime() - evalStart) / 1e9;
        writePredictions(cell, task, test, outputs, scores, data, targets);
        model.save(out.resolve("checkpoints").resolve(cell.id()));
        org.brainbench.tasks.io.AtomicFiles.writeString(out.resolve("checkpoints").resolve(cell.id()).resolve(Targets.FILE),
            org.brainbench.harness.Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(targets.toJson()) + "\n");
      }
      double trainSeconds = result.trainSeconds();
      row.ok();
      row.metrics = MetricValues.of(scores.metrics());
      row.ci95 = scores.ci95();
      row.baseline = MetricValues.of(Baselines.score(task, test, targets, data.grid(), cell.seed()).metrics());
      row.params = new ParamCounts(params.total(), params.trainable(), prepared.spec().parameterCount(head));
      row.timing = new Timing(trainSeconds, evalSeconds, result.samplesSeen() / Math.max(1e-9, trainSeconds), result.dataWaitSeconds());
      row.training(result);
      row.trainWallSeconds = Math.round((System.nanoTime() - trainStart) / 1e6) / 1000.0;
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      row.failed(e instanceof TrainingLoop.DivergedException ? "diverged: " + e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    row.peakRssBytes = Environment.peakRssBytes();
    row.provenance = row.provenance.withTimes(started.toString(), Instant.now().toString());
    return row.build();
  }

  /** Scans per partition, as rows record them. */
  static Map<String, Integer> counts(Split split) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Partition p : Partition.values()) {
      out.put(p.id(), split.count(p));
    }
    return out;
  }

  /** A row for a cell that failed before it could run (its data would not load, its stage failed). */
  static ResultRow failed(Suite suite, Cell cell, String why) {
    return new RowBuilder(suite, cell).failed(why).build();
  }

  Provenance provenance(Cell cell, BackendInfo info, TaskData data, Split split, TaskHead head) {
    return new Provenance(configHash(cell, head), suiteHash(), Environment.gitCommit(Path.of("")), harnessVersion, info.name() + " " + info.version(),
        info.nativeVersion(), Environment.java(), Environment.os(), Environment.cpu(),
        "none".equals(info.device()) || "cpu".equals(info.device()) ? null : info.device(), info.device(), info.threads(), data.hash(), split.hash(),
        null, null, Environment.hardwareClass(info.device()));
  }

  private String suiteHash;

  /** SHA-256 of the suite file: {@code merge} refuses shards run from different suite files. */
  private synchronized String suiteHash() {
    if (suiteHash == null) {
      try {
        byte[] bytes = suite.file() == null ? new byte[0] : java.nio.file.Files.readAllBytes(suite.file());
        suiteHash = sha256(bytes);
      } catch (IOException e) {
        suiteHash = "";
      }
    }
    return suiteHash;
  }

  /**
   * The configuration hash a run of this cell on this data would record; {@code run --resume}
   * reuses a finished row only when it matches (and the dataset hash does too).
   */
  String configHash(Cell cell, TaskData data) {
    TaskHead head = CellMatrix.head(cell.task(), cell.model(), data.channels());
    int[] g = {data.grid().nz(), data.grid().ny(), data.grid().nx()};
    return configHash(cell, new TaskHead(head.type(), head.inputChannels(), g, head.outputs(), head.objective()));
  }

  /**
   * SHA-256 of everything that decides the cell's result (not where or when it runs), including
   * how it is initialised: the pre-training stage's own configuration and the fine-tuning mode.
   */
  String configHash(Cell cell, TaskHead head) {
    TaskEntry t = cell.task();
    String init = cell.model().initStage() == null ? "scratch" : stageConfig(suite.stage(cell.model().initStage()), cell);
    return sha256(String.join("\n",
        "task=" + t.name() + ";" + t.type().id() + ";" + t.dataset() + ";" + t.classes() + ";" + t.labels() + ";" + t.split()
            + (t.regions() == null ? "" : ";regions=" + t.regions()) + splitTables(t),
        "preprocess=" + t.preprocess().key(),
        "model=" + cell.model().spec(),
        "init=" + init + ";finetune=" + cell.model().fineTune(),
        "head=" + head,
        "training=" + cell.training(),
        "backend=" + cell.backend() + ";seed=" + cell.seed() + ";fold=" + cell.fold() + ";fraction=" + cell.labelFraction())
        + (suite.tune() == null ? "" : "\ntune=" + suite.tune()));
  }

  /** The contents of a task's split tables (an edited table is another configuration), or "". */
  private static String splitTables(TaskEntry t) {
    if (t.split().files() == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(";splitTables=");
    for (var e : new java.util.TreeMap<>(t.split().files()).entrySet()) {
      try {
        b.append(e.getKey().id()).append(':').append(Hashes.sha256(java.nio.file.Files.readAllBytes(e.getValue()))).append(',');
      } catch (IOException ex) {
        throw new java.io.UncheckedIOException(ex);
      }
    }
    return b.toString();
  }

  /** A stage's configuration and, after it, that of each stage it starts from (a chain has no cycle). */
  private String stageConfig(Stage stage, Cell cell) {
    String own = "stage " + stage + " trained with " + CellMatrix.stageCell(stage, cell.backend(), stage.seedFor(cell.seed()), suite.training()).training();
    return stage.initStage() == null ? own : own + " from " + stageConfig(suite.stage(stage.initStage()), cell);
  }

  /**
   * What a cell's mid-training state must match to be resumed: its configuration, its data and
   * split, and the bytes of the stage weights it started from.
   */
  static String resumeKey(String configHash, TaskData data, Split split, Path stageWeights) throws IOException {
    String stage = stageWeights == null ? "none" : sha256(java.nio.file.Files.readAllBytes(stageWeights));
    return sha256(configHash + "\n" + data.hash() + "\n" + split.hash() + "\n" + stage);
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    return Hashes.sha256(bytes);
  }

  private void writePredictions(Cell cell, TaskEntry task, List<Sample> test, List<float[]> outputs, Scores scores, TaskData data,
      Targets targets) throws IOException {
    switch (task.type()) {
      case CLASSIFY -> PredictionFiles.writeClassification(out, cell.id(), scores.perCase(), task.classes());
      case REGRESS -> PredictionFiles.writeRegression(out, cell.id(), scores.perCase());
      case SEGMENT -> PredictionFiles.writeSegmentation(out, cell.id(), Predictions.segmentCases(task, test, outputs, data.grid()),
          scores.perCase(), data.grid());
      default -> throw new IllegalStateException(task.type().id());
    }
  }
}
