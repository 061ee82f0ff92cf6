package org.brainbench.harness.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.cli.Json;
import org.brainbench.cli.Progress;
import org.brainbench.harness.result.Environment;
import org.brainbench.harness.suite.Cell;
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

  ObjectNode run(Cell cell, TaskData data, Backend backend) {
    ObjectNode row = CellRunner.skeleton(suite, cell);
    Instant started = Instant.now();
    Environment.resetPeakMemory();
    ObjectNode provenance = row.putObject("provenance");
    try {
      Split split = Splitter.split(data.strata(), cell.task().split(), 0, cell.seed());
      List<Sample> train = data.samples(split.scans(data.dataset(), Partition.TRAIN));
      List<Sample> validation = data.samples(split.scans(data.dataset(), Partition.VALIDATION));
      ObjectNode counts = row.putObject("split");
      for (Partition p : Partition.values()) {
        counts.put(p.id(), split.count(p));
      }
      TaskHead head = head(data);
      cells.fillProvenance(provenance, cell, backend.info(), data, split, head);
      int steps = TrainingLoop.steps(train.size(), cell.training().batchSize());
      TrainingLoop.Result result;
      ParameterCount params;
      try (Model model = backend.newModel(cell.model().spec(), head, cell.training(), cell.seed());
          Progress progress = Progress.start("  pretrain " + cell.id(), (long) steps * cell.training().epochs())) {
        params = model.parameterCount();
        provenance.put("threads", model.threads());
        result = TrainingLoop.run(model, cell.training(), train, !validation.isEmpty(),
            TrainingLoop.forPretraining(validation, cell.training().batchSize()), Targets.fit(cell.task(), train), data.grid(),
            cell.seed(), progress,
            new EpochCheckpoint(weights(out, cell).getParent(), CellRunner.resumeKey(provenance.get("configHash").asText(), data, split, null)),
            cells.resume());
        Path file = weights(out, cell);
        Files.createDirectories(file.getParent());
        model.save(file.getParent());
      }
      List<TrainingLoop.Epoch> h = result.history();
      double first = h.get(0).diagnostics().getOrDefault("embeddingStd", Double.NaN);
      double last = h.get(h.size() - 1).diagnostics().getOrDefault("embeddingStd", Double.NaN);
      boolean collapsed = !Double.isNaN(last) && (last < COLLAPSE_FLOOR || last < COLLAPSE_RATIO * first);
      ObjectNode metrics = row.putObject("metrics");
      metrics.put("loss", h.get(result.bestEpoch() - 1).validation());
      metrics.put("trainLoss", h.get(h.size() - 1).trainLoss());
      metrics.put("embeddingStdStart", first);
      metrics.put("embeddingStd", last);
      metrics.put("collapsed", collapsed);
      ObjectNode p = row.putObject("params");
      p.put("total", params.total());
      p.put("trainable", params.trainable());
      p.put("spec", cell.model().spec().parameterCount(head));
      ObjectNode timing = row.putObject("timing");
      timing.put("trainSeconds", result.trainSeconds());
      timing.put("evalSeconds", 0.0);
      timing.put("volumesPerSecond", result.samplesSeen() / Math.max(1e-9, result.trainSeconds()));
      timing.put("dataWaitSeconds", result.dataWaitSeconds());
      row.put("epochs", h.size());
      row.put("bestEpoch", result.bestEpoch());
      if (result.resumedFromEpoch() > 0) {
        row.put("resumedFromEpoch", result.resumedFromEpoch());
      }
      ArrayNode history = row.putArray("history");
      for (TrainingLoop.Epoch e : h) {
        ObjectNode n = history.addObject();
        n.put("epoch", e.epoch());
        n.put("trainLoss", e.trainLoss());
        n.put("validation", e.validation());
        n.put("learningRate", e.learningRate());
        e.diagnostics().forEach(n::put);
      }
      row.put("weights", out.relativize(weights(out, cell)).toString());
      if (collapsed) {
        row.put("status", "failed");
        row.put("error", String.format("collapsed: the spread of the slice embeddings fell from %.4g to %.4g", first, last));
      } else {
        row.put("status", "ok");
        row.putNull("error");
      }
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      row.put("status", "failed");
      row.put("error", e instanceof TrainingLoop.DivergedException ? "diverged: " + e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    Long peak = Environment.peakRssBytes();
    row.putObject("memory").put("peakRssBytes", peak == null ? 0 : peak);
    provenance.put("startedAt", started.toString());
    provenance.put("finishedAt", Instant.now().toString());
    return row;
  }

  private static TaskHead head(TaskData data) {
    return TaskHead.pretrain(data.channels(), new int[] {data.grid().nz(), data.grid().ny(), data.grid().nx()});
  }

  /** Whether a stage row of an earlier run was made from this stage's configuration and data (for --resume). */
  boolean matches(ObjectNode row, Cell stageCell, TaskData data) {
    JsonNode p = row.path("provenance");
    return cells.configHash(stageCell, head(data)).equals(p.path("configHash").asText()) && data.hash().equals(p.path("datasetHash").asText());
  }

  /** The stage's per-epoch training state (see {@link EpochCheckpoint}). */
  static Path trainingState(Path out, Cell stageCell) {
    return weights(out, stageCell).resolveSibling(EpochCheckpoint.FILE);
  }

  static boolean isDone(Map<String, ObjectNode> previous, Path out, Cell cell) {
    ObjectNode row = previous.get(cell.id());
    return row != null && "ok".equals(row.path("status").asText()) && Files.isRegularFile(weights(out, cell));
  }

  static String json(ObjectNode row) {
    return Json.line(Json.mapper(), row);
  }
}
