package org.brainbench.harness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.ModelEntry;
import org.brainbench.harness.suite.Stage;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.preprocess.PreprocessSpec;

/**
 * Applies a trained encoder to scans: a pre-training stage's weights (in the model's downstream
 * form, as a cell would start from them) or a cell's checkpoint, from a results folder, to NIfTI
 * files preprocessed as the suite preprocessed that stage's or cell's data. Each scan's embedding is
 * what the model's classify or regress head reads ({@code Model.embeddings}). The table is written
 * as CSV ({@code id,path,e0,...}), complete or not at all.
 */
public final class Embedder {
  /**
   * What to embed with: the model, how it is initialised and how scans are preprocessed.
   *
   * @param cache the suite's preprocessing cache folder, where the scans given are preprocessed to
   */
  public record Source(String description, ModelEntry model, TaskEntry task, PreprocessSpec preprocess, Path stageWeights, Path checkpoint, long seed,
      String backend, Path cache) {}

  /** One scan's embedding. */
  public record Row(String id, Path path, float[] embedding) {}

  private Embedder() {}

  /** A stage of the suite, run for this backend and seed (the stage's own seed when it has one). */
  public static Source stage(Suite suite, Path results, String name, String backend, Long seed) {
    Stage stage = suite.stage(name);
    if (stage == null) {
      throw new UserInputException("--stage: the suite has no stage \"" + name + "\"; its stages are "
          + suite.stages().stream().map(Stage::name).toList());
    }
    long s = stage.seed() != null ? stage.seed() : seed != null ? seed : suite.seeds().get(0);
    Cell stageCell = CellMatrix.stageCell(stage, backend, s, suite.training());
    Path weights = StageRunner.weights(results, stageCell);
    if (!Files.isRegularFile(weights)) {
      throw new UserInputException(weights + ": no weights of stage " + name + " for backend " + backend + " and seed " + s
          + "; run the suite first (or pass --results, --backend, --seed)");
    }
    // the stage's weights in the model's downstream form: the model entry whose cells start from it
    ModelEntry m = stage.model();
    ModelEntry downstream = new ModelEntry(m.name(), m.id(), m.spec(), m.training(), name, m.fineTune());
    return new Source("stage " + name + " (" + stageCell.id() + ")", downstream, stage.task(), stage.task().preprocess(), weights, null, s, backend,
        suite.cacheFolder().resolve("preprocessed"));
  }

  /** A cell of the suite whose row in the results folder is ok, with its saved checkpoint. */
  public static Source cell(Suite suite, Path results, String id) throws IOException {
    ResultRow row = ResultsFile.open(results).rows().stream().filter(r -> r.cell().equals(id)).findFirst().orElse(null);
    if (row == null || !row.ok() || row.isStage()) {
      throw new UserInputException("--cell: " + results.resolve(ResultsFile.NAME) + " has no finished cell " + id + (row == null ? "" : " (" + row.status().id() + ")"));
    }
    TaskEntry task = suite.task(row.task());
    ModelEntry model = suite.models().stream().filter(m -> m.name().equals(row.model())).findFirst().orElse(null);
    if (task == null || model == null) {
      throw new UserInputException("--cell: cell " + id + " names task " + row.task() + " and model " + row.model() + ", which the suite does not have");
    }
    Path checkpoint = results.resolve("checkpoints").resolve(id);
    if (!Files.isDirectory(checkpoint)) {
      throw new UserInputException(checkpoint + ": the cell's checkpoint is missing");
    }
    return new Source("cell " + id, model, task, task.preprocess(), null, checkpoint, row.seed(), row.backend(),
        suite.cacheFolder().resolve("preprocessed"));
  }

  /**
   * The embeddings of these scans (one NIfTI file each, one channel). Every file is read and
   * preprocessed (into the suite's cache) before any output: an unreadable one stops the whole
   * run, naming it. The scans are then read back a batch at a time.
   */
  public static List<Row> embed(Source source, Backend backend, List<Path> files, int batchSize) {
    List<Scan> scans = files.stream().map(f -> new Scan(id(f), null, List.of(f.toAbsolutePath()), null, null, null, Map.of(), f.toString())).toList();
    InputScans.Indexed in = InputScans.index(scans, source.preprocess(), source.cache());
    if (in.channels() != 1) {
      throw new UserInputException(files.get(0) + ": has " + in.channels() + " channels; embed takes one single-channel scan per file");
    }
    org.brainbench.tasks.volume.Grid grid = in.grid();
    List<Sample> samples = in.samples();
    TaskHead base = CellMatrix.head(source.task().type() == org.brainbench.tasks.TaskType.PRETRAIN ? regressView(source.task()) : source.task(),
        source.model(), 1);
    TaskHead head = new TaskHead(base.type(), 1, new int[] {grid.nz(), grid.ny(), grid.nx()}, base.outputs());
    List<Row> out = new ArrayList<>();
    try (Model model = backend.newModel(source.model().spec(), head, TrainingConfig.defaults(), source.seed())) {
      if (source.checkpoint() != null) {
        try {
          model.load(source.checkpoint());
        } catch (IllegalArgumentException e) {
          throw new UserInputException(source.checkpoint() + ": " + e.getMessage());
        }
      } else {
        Initialisation.apply(model, source.model(), source.stageWeights(), 1);
      }
      int batches = Batches.count(samples.size(), batchSize);
      try (Prefetcher<org.brainbench.api.backend.Batch> next = Batches.inputsAhead("embed-loader", samples, head, batchSize)) {
        for (int b = 0; b < batches; b++) {
          float[][] e = model.embeddings(next.next());
          for (int i = 0; i < e.length; i++) {
            out.add(new Row(samples.get(b * batchSize + i).id(), files.get(b * batchSize + i), e[i]));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** A pre-training stage's model is embedded in its downstream form: a one-output regression head (the head is not read). */
  private static TaskEntry regressView(TaskEntry stageTask) {
    return new TaskEntry(stageTask.name(), org.brainbench.tasks.TaskType.REGRESS, stageTask.dataset(), List.of(), List.of(), List.of("mae"),
        stageTask.split(), stageTask.preprocess(), stageTask.training());
  }

  /** A scan's id: its file name without the NIfTI extension. */
  static String id(Path f) {
    String name = f.getFileName().toString();
    return name.replaceFirst("(?i)\\.nii(\\.gz)?$", "");
  }

  /** Writes {@code id,path,e0,...,e<F-1>} to a temporary file beside {@code out}, then renames it. */
  public static void writeCsv(Path out, List<Row> rows) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        int f = rows.isEmpty() ? 0 : rows.get(0).embedding().length;
        StringBuilder header = new StringBuilder("id,path");
        for (int j = 0; j < f; j++) {
          header.append(",e").append(j);
        }
        w.write(header.append('\n').toString());
        for (Row r : rows) {
          StringBuilder line = new StringBuilder(csv(r.id())).append(',').append(csv(r.path().toString()));
          for (float v : r.embedding()) {
            line.append(',').append(v);
          }
          w.write(line.append('\n').toString());
        }
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
