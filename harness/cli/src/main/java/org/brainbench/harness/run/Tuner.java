package org.brainbench.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.harness.Json;
import org.brainbench.harness.result.ResultRows;
import org.brainbench.harness.result.TuningReport;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TuneSpec;
import org.brainbench.tasks.metric.MetricRegistry;

/**
 * Runs a suite's {@code tune:} block for a cell: every trial trains the cell's model from the cell's
 * initialisation on the cell's training subjects with the trial's settings and is scored by the
 * task's first metric on the cell's validation subjects (its best epoch, as early stopping would
 * keep); the best trial's settings are chosen (the first of equal scores). The test subjects take
 * no part. With scope {@code first-seed} the search runs on the suite's first seed and its choice
 * serves every seed of the same task, model, backend, fold and label fraction.
 *
 * <p>A search is deterministic, so a choice is kept in memory and in {@code tuning/} of the results
 * folder, keyed by everything it depends on; {@code --resume}, shards and later cells reuse it, and
 * recomputing it gives the same choice.
 */
final class Tuner {
  private final Suite suite;
  private final Path out;
  private final CellRunner cells;
  private final Map<String, TuningReport> done = new HashMap<>();
  /** The weights of the stage a cell's model starts from (run if needed), or null; set by the suite runner. */
  private Function<Cell, Path> stages = cell -> null;

  Tuner(Suite suite, Path out, CellRunner cells) {
    this.suite = suite;
    this.out = out;
    this.cells = cells;
  }

  void stages(Function<Cell, Path> stageWeights) {
    this.stages = stageWeights;
  }

  /** The cell whose search serves this cell: under scope first-seed, its twin on the suite's first seed. */
  static Cell searchedOn(Suite suite, Cell cell) {
    return suite.tune().scope() == TuneSpec.Scope.FIRST_SEED && cell.seed() != suite.seeds().get(0)
        ? new Cell(cell.task(), cell.model(), cell.backend(), suite.seeds().get(0), cell.fold(), cell.labelFraction(), cell.training())
        : cell;
  }

  /** The search for this cell: run now, or the one made before from the same inputs. */
  TuningReport tune(Cell cell, TaskData data, Backend backend, Path stageWeights) {
    Cell on = searchedOn(suite, cell);
    Path weights = on == cell ? stageWeights : stages.apply(on);
    String key = key(on, data, weights);
    TuningReport report = done.get(key);
    if (report == null) {
      report = load(on, key);
    }
    if (report == null) {
      report = search(on, data, backend, weights);
      save(on, key, report);
    }
    done.put(key, report);
    return report;
  }

  /** The cell with a trial's settings in place of its own (a warm-up longer than the epochs is cut to them). */
  static Cell apply(Cell cell, Map<String, Double> settings) {
    TrainingConfig t = cell.training();
    int epochs = settings.containsKey("epochs") ? (int) Math.round(settings.get("epochs")) : t.epochs();
    TrainingConfig c = new TrainingConfig(epochs, t.batchSize(), t.optimizer(), settings.getOrDefault("learningRate", t.learningRate()),
        settings.getOrDefault("weightDecay", t.weightDecay()), t.momentum(), Math.min(t.warmupEpochs(), epochs), t.patience(), t.gradientClip(),
        t.regressionLoss(), t.augmentation(), t.schedule(), t.stepGamma(), t.stepEpochs());
    return new Cell(cell.task(), cell.model(), cell.backend(), cell.seed(), cell.fold(), cell.labelFraction(), c);
  }

  private TuningReport search(Cell on, TaskData data, Backend backend, Path weights) {
    TuneSpec spec = suite.tune();
    String metric = on.task().primaryMetric();
    boolean higher = MetricRegistry.higherIsBetter(metric);
    List<Map<String, Double>> settings = spec.trialSettings();
    List<TuningReport.Trial> trials = new ArrayList<>();
    int best = -1;
    for (int i = 0; i < settings.size(); i++) {
      TuningReport.Trial trial = trial(apply(on, settings.get(i)), data, backend, weights, settings.get(i), i + 1, settings.size());
      trials.add(trial);
      if (!Double.isNaN(trial.score()) && (best < 0 || (higher ? trial.score() > trials.get(best).score() : trial.score() < trials.get(best).score()))) {
        best = i;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("every tuning trial failed on " + on.id() + ": " + trials.get(0).error());
    }
    return new TuningReport(spec.search().id(), spec.scope().id(), metric, on.id(), trials, settings.get(best));
  }

  private static TuningReport.Trial trial(Cell trial, TaskData data, Backend backend, Path weights, Map<String, Double> settings, int number, int of) {
    long start = System.nanoTime();
    CellRunner.Prepared p = CellRunner.prepare(trial, data);
    if (p.validation().isEmpty()) {
      throw new IllegalStateException(trial.id() + ": no validation subjects to score tuning trials on; raise the task's split.validation");
    }
    TrainingConfig t = trial.training();
    try (Progress progress = Progress.start("  tune " + trial.id() + " " + number + "/" + of,
        (long) TrainingLoop.steps(p.train().size(), t.batchSize()) * t.epochs())) {
      TrainingLoop.Result result = CellRunner.withModel(trial, p, data, backend, weights, (model, init) -> {
        TrainingLoop.Validator validator = TrainingLoop.forTask(trial.task(), p.validation(), p.targets(), data.grid(), trial.seed(), t.batchSize());
        return TrainingLoop.run(new TrainingLoop.Plan(model, t, p.train(), validator, p.targets(), data.grid(), trial.seed()),
            TrainingLoop.standard(validator, null, progress));
      });
      double score = result.history().get(result.bestEpoch() - 1).validation();
      return new TuningReport.Trial(settings, score, result.bestEpoch(), seconds(start), null);
    } catch (TrainingLoop.DivergedException e) {
      return new TuningReport.Trial(settings, Double.NaN, 0, seconds(start), "diverged: " + e.getMessage());
    }
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e6) / 1000.0;
  }

  /** Everything a search's outcome depends on: the tuned cell's configuration (the tune block included), its data, its stage's weights. */
  private String key(Cell on, TaskData data, Path weights) {
    try {
      String stage = weights == null ? "none" : CellRunner.sha256(Files.readAllBytes(weights));
      return CellRunner.sha256(cells.configHash(on, data) + "\n" + data.hash() + "\n" + stage);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(Cell on) {
    return out.resolve("tuning").resolve(on.id().replace('/', '_') + ".json");
  }

  private TuningReport load(Cell on, String key) {
    Path f = file(on);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      JsonNode n = Json.mapper().readTree(f.toFile());
      return key.equals(n.path("key").asText()) ? ResultRows.tuning(n.path("tuning")) : null;
    } catch (IOException | RuntimeException e) {
      return null; // unreadable: searched again, and rewritten
    }
  }

  private void save(Cell on, String key, TuningReport report) {
    Path f = file(on);
    try {
      Files.createDirectories(f.getParent());
      ObjectNode n = Json.mapper().createObjectNode();
      n.put("key", key);
      n.set("tuning", ResultRows.tuning(report));
      Path tmp = Files.createTempFile(f.getParent(), ".tuning", ".tmp");
      Files.writeString(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
