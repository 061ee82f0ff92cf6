package org.brainbench.harness.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.report.Run;
import org.brainbench.harness.report.Runs;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;

/**
 * Which baseline rows a comparison holds results to. A baseline folder may hold one baseline per
 * hardware class, each in a subfolder named after the class ({@code cpu_AuthenticAMD-26-2_avx512}:
 * the provenance's {@code hardwareClass} with '/' as '_'), beside or instead of its own
 * {@code results.jsonl}. The results' class picks its subfolder; without one, every class's runs
 * are pooled (each is one more run of its condition, so the test sees the spread across machines).
 *
 * @param rows the baseline rows
 * @param description which baseline was used, for the log
 */
public record BaselineChoice(List<ResultRow> rows, String description) {
  /** The folder name of a hardware class. */
  public static String folder(String hardwareClass) {
    return hardwareClass.replace('/', '_');
  }

  public static BaselineChoice pick(Path baseline, String hardwareClass) throws IOException {
    List<Path> classes = new ArrayList<>();
    if (Files.isDirectory(baseline)) {
      try (Stream<Path> dirs = Files.list(baseline)) {
        dirs.filter(d -> Files.isRegularFile(d.resolve(ResultsFile.NAME))).sorted().forEach(classes::add);
      }
    }
    boolean own = Files.isRegularFile(baseline) || Files.isRegularFile(baseline.resolve(ResultsFile.NAME));
    if (classes.isEmpty()) {
      if (!own) {
        throw new UserInputException(baseline + ": no " + ResultsFile.NAME + " here or in a hardware-class subfolder");
      }
      return new BaselineChoice(rows(List.of(baseline)), baseline + " (one baseline for every hardware class)");
    }
    if (hardwareClass != null) {
      for (Path c : classes) {
        if (c.getFileName().toString().equals(folder(hardwareClass))) {
          return new BaselineChoice(rows(List.of(c)), c + " (the results' hardware class, " + hardwareClass + ")");
        }
      }
    }
    List<Path> all = new ArrayList<>(classes);
    if (own) {
      all.add(baseline);
    }
    return new BaselineChoice(rows(all), "every hardware class pooled (" + (hardwareClass == null ? "the results name no class"
        : "no baseline for " + hardwareClass) + "): " + all.stream().map(p -> p.getFileName().toString()).toList());
  }

  private static List<ResultRow> rows(List<Path> sources) throws IOException {
    List<ResultRow> out = new ArrayList<>();
    for (Path source : sources) {
      for (Run r : Runs.read(List.of(source))) {
        out.add(r.row());
      }
    }
    return out;
  }
}
