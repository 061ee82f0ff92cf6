package org.brainbench.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.harness.result.Environment;
import org.brainbench.harness.result.InitReport;
import org.brainbench.harness.result.MetricValues;
import org.brainbench.harness.result.ParamCounts;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.Timing;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.Stage;
import org.brainbench.harness.suite.Suite;
import org.brainbench.tasks.split.Partition;
import org.brainbench.tasks.split.Split;
import org.brainbench.tasks.split.Splitter;

/**
 * Runs a self-supervised pre-training stage for one backend and seed: the model's own objective on
 * the stage's scans (a validation share held out by subject), the best epoch's weights written to
 * {@code stages/<stage>/<backend>/s<seed>/weights.safetensors}. The embeddings' spread is watched:
 * if it falls below a fifth of its first-epoch value (or below 1e-4) the encoder has collapsed,
 * and the stage fails with that reason, so no cell builds on it.
 */
final class StageRunner {
  static final double COLLAPSE_RATIO = 0.2;
  static final double COLLAPSE_FLOOR = 1e-4;

  private final Suite suite;
  private final Path out;
  private final CellRunner cells;

  StageRunner(Suite suite, Path out, CellRunner cells) {
    this.suite = suite;
    this.out = out;
    this.cells = cells;
  }

  static Path weights(Path out, Cell stageCell) {
    return out.resolve("stages").resolve(stageCell.task().name()).resolve(stageCell.backend()).resolve("s" + stageCell.seed())
        .resolve("weights.safetensors");
  }

  /**
   * @param from the weights of the stage this one starts from, or null
   */
  ResultRow run(Cell cell, TaskData data, Backend backend, Path from) {
    RowBuilder row = new RowBuilder(suite, cell);
    Instant started = Instant.now();
    Environment.resetPeakMemory();
    try {
      Split split = Splitter.split(data.strata(), cell.task().split(), 0, cell.task().split().seedFor(cell.seed()));
      List<Sample> train = data.samples(split.scans(data.dataset(), Partition.TRAIN));
      List<Sample> validation = data.samples(split.scans(data.dataset(), Partition.VALIDATION));
      row.split = CellRunner.counts(split);
      TaskHead head = head(stage(cell), data);
      row.provenance = cells.provenance(cell, backend.info(), data, split, head);
      int steps = TrainingLoop.steps(train.size(), cell.training().batchSize());
      TrainingLoop.Result result;
      ParameterCount params;
      try (Model model = backend.newModel(cell.model().spec(), head, cell.training(), cell.seed());
          Progress progress = Progress.start("  pretrain " + cell.id(), (long) steps * cell.training().epochs())) {
        if (from != null) {
          InitReport init = Initialisation.apply(model, cell.model(), from, data.channels());
          // what a stage trains is its objective's business, not a fine-tuning mode's
          row.init = new InitReport(init.from(), init.adaptedChannels(), init.resizedPositions(), init.loaded(), init.notLoaded(), init.ignored(), null);
        }
        params = model.parameterCount();
        row.provenance = row.provenance.withThreads(model.threads());
        TrainingLoop.Validator validator = validation.isEmpty() ? null : TrainingLoop.forPretraining(validation, cell.training().batchSize());
        EpochCheckpoint checkpoint = new EpochCheckpoint(weights(out, cell).getParent(),
            CellRunner.resumeKey(row.provenance.configHash(), data, split, from), cells.resume());
        result = TrainingLoop.run(new TrainingLoop.Plan(model, cell.training(), train, validator, Targets.fit(cell.task(), train), data.grid(),
            cell.seed()), TrainingLoop.standard(validator, checkpoint, progress));
        Path file = weights(out, cell);
        Files.createDirectories(file.getParent());
        model.save(file.getParent());
      }
      List<TrainingLoop.Epoch> h = result.history();
      double first = h.get(0).diagnostics().getOrDefault("embeddingStd", Double.NaN);
      double last = h.get(h.size() - 1).diagnostics().getOrDefault("embeddingStd", Double.NaN);
      boolean collapsed = !Double.isNaN(last) && (last < COLLAPSE_FLOOR || last < COLLAPSE_RATIO * first);
      Map<String, Object> metrics = new LinkedHashMap<>();
      metrics.put("loss", h.get(result.bestEpoch() - 1).validation());
      metrics.put("trainLoss", h.get(h.size() - 1).trainLoss());
      metrics.put("embeddingStdStart", first);
      metrics.put("embeddingStd", last);
      metrics.put("collapsed", collapsed);
      row.metrics = MetricValues.of(metrics);
      row.params = new ParamCounts(params.total(), params.trainable(), cell.model().spec().parameterCount(head));
      row.objective = head.objectiveOf(cell.model().spec());
      row.timing = new Timing(result.trainSeconds(), 0.0, result.samplesSeen() / Math.max(1e-9, result.trainSeconds()), result.dataWaitSeconds());
      row.training(result);
      row.weights = out.relativize(weights(out, cell)).toString();
      if (collapsed) {
        row.failed(String.format("collapsed: the spread of the slice embeddings fell from %.4g to %.4g", first, last));
      } else {
        row.ok();
      }
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      row.failed(e instanceof TrainingLoop.DivergedException ? "diverged: " + e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    row.peakRssBytes = Environment.peakRssBytes();
    row.provenance = row.provenance.withTimes(started.toString(), Instant.now().toString());
    return row.build();
  }

  private Stage stage(Cell stageCell) {
    return suite.stage(stageCell.task().name());
  }

  /** The stage's head on its data's grid and channels, with the stage's objective. */
  private static TaskHead head(Stage stage, TaskData data) {
    return TaskHead.pretrain(data.channels(), new int[] {data.grid().nz(), data.grid().ny(), data.grid().nx()}, stage.objective());
  }

  /** Whether a stage row of an earlier run was made from this stage's configuration and data (for --resume). */
  boolean matches(ResultRow row, Cell stageCell, TaskData data) {
    return row.provenance() != null && cells.configHash(stageCell, head(stage(stageCell), data)).equals(row.provenance().configHash())
        && data.hash().equals(row.provenance().datasetHash());
  }

  /** The stage's per-epoch training state (see {@link EpochCheckpoint}). */
  static Path trainingState(Path out, Cell stageCell) {
    return weights(out, stageCell).resolveSibling(EpochCheckpoint.FILE);
  }

  static boolean isDone(Map<String, ResultRow> previous, Path out, Cell cell) {
    ResultRow row = previous.get(cell.id());
    return row != null && row.ok() && Files.isRegularFile(weights(out, cell));
  }
}
