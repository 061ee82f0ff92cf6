package org.brainbench.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.harness.Json;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.nifti.NiftiHeader;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Interpolation;
import org.brainbench.tasks.volume.Resampler;
import org.brainbench.tasks.volume.Volume;

/**
 * Applies a finished cell to new scans ({@code predict}): each scan is preprocessed as the suite
 * did, the cell's checkpoint predicts, and the outputs are written as {@code score} reads them:
 * class probabilities or ages in {@code predictions.csv}, or one label map per scan resampled back
 * to the scan's own grid and affine (nearest neighbour), so it overlays the input in a viewer.
 * Every scan is read and preprocessed (into the suite's cache) before anything is written; the
 * scans are then read back and predicted a batch at a time, and the output folder appears whole or
 * not at all.
 */
public final class Predictor {
  /** One scan: its id and one file per channel (or one 4D file holding them). */
  public record Input(String id, List<Path> files) {
    /** {@code a.nii.gz} or {@code t1.nii.gz,t1ce.nii.gz,...} (the channels in the suite's order); the id is the first file's name. */
    public static Input parse(String arg) {
      List<Path> files = Arrays.stream(arg.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
      if (files.isEmpty()) {
        throw new UserInputException("\"" + arg + "\": no scan file");
      }
      return new Input(Embedder.id(files.get(0)), files);
    }
  }

  private Predictor() {}

  /** Predicts and writes {@code out}; returns the number of scans. */
  public static int predict(Embedder.Source cell, Backend backend, List<Input> inputs, Path out, int batchSize) throws IOException {
    if (Files.exists(out) && !(Files.isDirectory(out) && isEmpty(out))) {
      throw new UserInputException(out + ": exists and is not an empty folder; predict writes a new folder");
    }
    JsonNode targets = readTargets(cell);
    TaskType type = cell.task().type();
    List<Grid> originals = new ArrayList<>();
    List<Scan> scans = new ArrayList<>();
    for (Input in : inputs) {
      scans.add(new Scan(in.id(), null, in.files().stream().map(Path::toAbsolutePath).toList(), null, null, null, Map.of(), in.files().get(0).toString()));
      try {
        NiftiHeader h = NiftiReader.readHeader(in.files().get(0));
        long[] s = h.shape();
        originals.add(Grid.of(new int[] {(int) s[0], s.length > 1 ? (int) s[1] : 1, s.length > 2 ? (int) s[2] : 1}, h.affine()));
      } catch (IOException | RuntimeException e) {
        throw new UserInputException(in.files().get(0) + ": not a readable NIfTI scan (" + e.getMessage() + ")");
      }
    }
    InputScans.Indexed indexed = InputScans.index(scans, cell.preprocess(), cell.cache());
    List<Sample> samples = indexed.samples();
    Grid grid = indexed.grid();
    int channels = indexed.channels();
    TaskHead base = CellMatrix.head(cell.task(), cell.model(), channels);
    TaskHead head = new TaskHead(base.type(), channels, new int[] {grid.nz(), grid.ny(), grid.nx()}, base.outputs(), base.objective());
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".");
    try (Model model = backend.newModel(cell.model().spec(), head, TrainingConfig.defaults(), cell.seed())) {
      try {
        model.load(cell.checkpoint());
      } catch (IllegalArgumentException e) {
        throw new UserInputException(cell.checkpoint() + ": does not fit scans of " + channels + " channel(s) (" + e.getMessage() + ")");
      }
      // written a batch at a time: a label map per scan, or rows of one CSV
      try (Writer csv = type == TaskType.SEGMENT ? null : Files.newBufferedWriter(tmp.resolve("predictions.csv"), StandardCharsets.UTF_8)) {
        if (csv != null) {
          csv.write(csvHeader(type, cell.task().classes()));
        }
        int batches = Batches.count(samples.size(), batchSize);
        try (Prefetcher<org.brainbench.api.backend.Batch> next = Batches.inputsAhead("predict-loader", samples, head, batchSize)) {
          for (int b = 0; b < batches; b++) {
            float[][] outputs = model.predict(next.next());
            for (int k = 0; k < outputs.length; k++) {
              int i = b * batchSize + k;
              switch (type) {
                case CLASSIFY -> csv.write(classificationLine(samples.get(i).id(), outputs[k], cell.task().classes()));
                case REGRESS -> csv.write(samples.get(i).id() + "," + String.format(Locale.ROOT, "%.6f", Targets.years(targets, outputs[k][0])) + "\n");
                case SEGMENT -> writeLabelMap(tmp.resolve(samples.get(i).id() + ".nii.gz"), outputs[k], grid, originals.get(i), cell.task().labels());
                default -> throw new IllegalStateException(type.id());
              }
            }
          }
        }
      }
      if (Files.isDirectory(out)) {
        Files.delete(out); // empty, checked above
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(tmp)) {
        try (Stream<Path> s = Files.walk(tmp)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    return samples.size();
  }

  /** The cell's {@code targets.json}: classes, labels, and how its ages were standardised. */
  private static JsonNode readTargets(Embedder.Source cell) throws IOException {
    Path file = cell.checkpoint().resolve(Targets.FILE);
    if (!Files.isRegularFile(file)) {
      if (cell.task().type() == TaskType.REGRESS) {
        throw new UserInputException(file + ": missing (checkpoints from before brainbench wrote it do not say how ages were standardised); run the cell again");
      }
      return Json.mapper().createObjectNode();
    }
    return Json.mapper().readTree(file.toFile());
  }

  private static String csvHeader(TaskType type, List<String> classes) {
    if (type == TaskType.REGRESS) {
      return "subject_id,prediction\n";
    }
    StringBuilder header = new StringBuilder("subject_id,prediction");
    classes.forEach(c -> header.append(",p_").append(c));
    return header.append('\n').toString();
  }

  /** The predicted class and every class's probability. */
  private static String classificationLine(String id, float[] p, List<String> classes) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      best = p[k] > p[best] ? k : best;
    }
    StringBuilder line = new StringBuilder(id).append(',').append(classes.get(best));
    for (float v : p) {
      line.append(',').append(String.format(Locale.ROOT, "%.6g", v));
    }
    return line.append('\n').toString();
  }

  /** Label values on the model's grid, taken back to the scan's own grid by nearest neighbour. */
  private static void writeLabelMap(Path file, float[] classes, Grid grid, Grid original, List<Integer> labels) throws IOException {
    float[] values = new float[classes.length];
    for (int v = 0; v < values.length; v++) {
      int k = Math.round(classes[v]);
      values[v] = k == 0 ? 0 : labels.get(k - 1);
    }
    Volume back = Resampler.resample(Volume.of(grid, values), original, Interpolation.NEAREST, 0f);
    NiftiWriter.write(file, original.shape(), back.channel(0), original.affine(), NiftiWriter.Options.labels());
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
