package org.brainbench.harness.result;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.metric.SegmentationMetrics;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * Per-case predictions beside the results (docs/results.md), in the formats {@code score} reads, so any
 * metric can be recomputed later: {@code predictions/<cell>.csv} ({@code subject_id,prediction}
 * plus {@code p_<class>} columns, or the predicted age) with a {@code truth} column; for
 * segmentation also {@code predictions/<cell>/pred/<id>.nii.gz} and {@code .../truth/<id>.nii.gz},
 * label maps on the preprocessed grid.
 */
public final class PredictionFiles {
  private PredictionFiles() {}

  /** The CSV of a cell's per-case predictions. */
  public static Path csv(Path out, String cellId) {
    return out.resolve("predictions").resolve(cellId + ".csv");
  }

  public static void writeClassification(Path out, String cellId, List<Map<String, Object>> perCase, List<String> classes) throws IOException {
    StringBuilder b = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(b, CSVFormat.DEFAULT)) {
      p.print("subject_id");
      p.print("truth");
      p.print("prediction");
      for (String c : classes) {
        p.print("p_" + c);
      }
      p.println();
      for (Map<String, Object> c : perCase) {
        p.print(c.get("id"));
        p.print(c.get("truth"));
        p.print(c.get("prediction"));
        for (String k : classes) {
          p.print(String.format(Locale.ROOT, "%.6g", ((Number) c.get("p_" + k)).doubleValue()));
        }
        p.println();
      }
    }
    AtomicFiles.writeString(csv(out, cellId), b.toString());
  }

  public static void writeRegression(Path out, String cellId, List<Map<String, Object>> perCase) throws IOException {
    StringBuilder b = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(b, CSVFormat.DEFAULT)) {
      p.printRecord("subject_id", "truth", "prediction");
      for (Map<String, Object> c : perCase) {
        p.printRecord(c.get("id"), fmt(c.get("truth")), fmt(c.get("prediction")));
      }
    }
    AtomicFiles.writeString(csv(out, cellId), b.toString());
  }

  public static void writeSegmentation(Path out, String cellId, List<SegmentationMetrics.Case> cases, List<Map<String, Object>> perCase, Grid grid)
      throws IOException {
    Path folder = out.resolve("predictions").resolve(cellId);
    NiftiWriter.Options labels = NiftiWriter.Options.labels();
    for (SegmentationMetrics.Case c : cases) {
      NiftiVolumes.write(folder.resolve("pred").resolve(c.id() + ".nii.gz"), Volume.of(grid, c.prediction()), labels);
      NiftiVolumes.write(folder.resolve("truth").resolve(c.id() + ".nii.gz"), Volume.of(grid, c.truth()), labels);
    }
    StringBuilder b = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(b, CSVFormat.DEFAULT)) {
      p.printRecord("subject_id", "label", "dice", "hd95");
      for (Map<String, Object> c : perCase) {
        @SuppressWarnings("unchecked")
        Map<String, Double> dice = (Map<String, Double>) c.get("dice");
        @SuppressWarnings("unchecked")
        Map<String, Double> hd = (Map<String, Double>) c.get("hd95");
        for (String label : dice.keySet()) {
          p.printRecord(c.get("id"), label, fmt(dice.get(label)), fmt(hd.get(label)));
        }
      }
    }
    AtomicFiles.writeString(csv(out, cellId), b.toString());
  }

  private static String fmt(Object v) {
    return String.format(Locale.ROOT, "%.6g", ((Number) v).doubleValue());
  }
}
