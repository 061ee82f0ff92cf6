package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.tasks.nifti.NiftiHeader;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.preprocess.PreprocessSpec;
import org.brainbench.tasks.preprocess.Preprocessor;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} applies a finished cell to scans given by path, preprocessed as its suite did:
 * on the cell's own test scans it gives what the run gave, in the files {@code score} reads; label
 * maps come back on each scan's own grid; bad input writes nothing.
 */
class PredictTest {
  @TempDir static Path dir;
  static Path out;

  @BeforeAll
  static void runOnce() throws IOException {
    Path suite = dir.resolve("tiny.yaml");
    Files.writeString(suite, RunSuiteTest.SUITE);
    out = dir.resolve("out");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
  }

  /** A task's manifest rows by subject id: the scan's files, channels joined by commas as predict takes them. */
  static Map<String, String> scans(String taskFolder) throws IOException {
    Path manifest;
    try (Stream<Path> s = Files.walk(dir.resolve("cache"))) {
      manifest = s.filter(p -> p.endsWith(Path.of(taskFolder, "manifest.csv"))).findFirst().orElseThrow();
    }
    Map<String, String> out = new HashMap<>();
    List<String> lines = Files.readAllLines(manifest);
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String id = f[0] + (header.contains("session") && !f[header.indexOf("session")].isEmpty() ? "_" + f[header.indexOf("session")] : "");
      List<String> files = new ArrayList<>();
      for (String image : f[header.indexOf("image")].split(";")) {
        files.add(manifest.getParent().resolve(image).toString());
      }
      out.put(id, String.join(",", files));
    }
    return out;
  }

  /** The run's prediction CSV for a cell: id -> the columns after the truth. */
  static Map<String, String[]> runPredictions(String cell) throws IOException {
    Map<String, String[]> m = new HashMap<>();
    List<String> lines = Files.readAllLines(out.resolve("predictions").resolve(cell + ".csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      m.put(f[0], f);
    }
    return m;
  }

  static List<String> predictArgs(String cell, Path into, Map<String, String> scans, List<String> ids) {
    List<String> args = new ArrayList<>(List.of("predict", out.toString(), "--cell", cell, "--out", into.toString()));
    // predict names a scan after its first file; the test copies keep the subject id as the name
    ids.forEach(id -> args.add(scans.get(id)));
    return args;
  }

  @Test
  void classificationGivesTheRunsProbabilitiesInScoresFormat() throws IOException {
    Map<String, String[]> run = runPredictions("cls/cnn3d/djl/s1/f0/p1");
    Map<String, String> scans = scans("classify");
    List<String> ids = new ArrayList<>(run.keySet());
    Path into = dir.resolve("pred-cls");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli(predictArgs("cls/cnn3d/djl/s1/f0/p1", into, scans, ids).toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(into.resolve("predictions.csv"));
    assertThat(lines.get(0)).isEqualTo("subject_id,prediction,p_CN,p_AD");
    assertThat(lines).hasSize(ids.size() + 1);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String id = run.keySet().stream().filter(k -> scans.get(k).contains(f[0])).findFirst().orElseThrow();
      assertThat(f[1]).isEqualTo(run.get(id)[2]);
      assertThat(Double.parseDouble(f[3])).as(id).isCloseTo(Double.parseDouble(run.get(id)[4]), within(1e-5));
    }
  }

  @Test
  void regressionGivesTheRunsAgesInYears() throws IOException {
    Map<String, String[]> run = runPredictions("age/cnn3d/djl/s1/f0/p1");
    Map<String, String> scans = scans("regress");
    List<String> ids = new ArrayList<>(run.keySet());
    Path into = dir.resolve("pred-age");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli(predictArgs("age/cnn3d/djl/s1/f0/p1", into, scans, ids).toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(into.resolve("predictions.csv"));
    assertThat(lines.get(0)).isEqualTo("subject_id,prediction");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String id = run.keySet().stream().filter(k -> scans.get(k).contains(f[0])).findFirst().orElseThrow();
      assertThat(Double.parseDouble(f[1])).as(id).isCloseTo(Double.parseDouble(run.get(id)[2]), within(1e-3));
    }
  }

  @Test
  void labelMapsComeBackOnEachScansOwnGrid() throws IOException {
    Map<String, String> scans = scans("segment");
    String id;
    try (Stream<Path> s = Files.list(out.resolve("predictions/seg/cnn3d/djl/s1/f0/p1/pred"))) {
      id = s.map(p -> p.getFileName().toString().replace(".nii.gz", "")).sorted().findFirst().orElseThrow();
    }
    Path into = dir.resolve("pred-seg");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli(predictArgs("seg/cnn3d/djl/s1/f0/p1", into, scans, List.of(id)).toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    Path first = Path.of(scans.get(id).split(",")[0]);
    Path map;
    try (Stream<Path> s = Files.list(into)) {
      map = s.findFirst().orElseThrow();
    }
    NiftiHeader original = NiftiReader.readHeader(first);
    NiftiHeader predicted = NiftiReader.readHeader(map);
    assertThat(predicted.shape()).containsExactly(original.shape());
    assertThat(predicted.affine().maxAbsDifference(original.affine())).isLessThan(1e-4);
    // taken back to the model's grid, the map is the run's own prediction
    Volume back = Preprocessor.labels(NiftiVolumes.read(map), PreprocessSpec.toShape(16, 16, 16));
    float[] runs = NiftiVolumes.read(out.resolve("predictions/seg/cnn3d/djl/s1/f0/p1/pred/" + id + ".nii.gz")).channel(0);
    int same = 0;
    for (int i = 0; i < runs.length; i++) {
      same += back.channel(0)[i] == runs[i] ? 1 : 0;
    }
    assertThat(same / (double) runs.length).isGreaterThan(0.98);
  }

  @Test
  void badScansAreNamedAndNothingIsWritten() throws IOException {
    Path into = dir.resolve("pred-bad");
    Path broken = Files.writeString(dir.resolve("broken.nii.gz"), "not a scan");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("predict", out.toString(), "--cell", "cls/cnn3d/djl/s1/f0/p1", "--out", into.toString(),
        scans("classify").values().iterator().next(), broken.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(broken + ": not a readable NIfTI scan").doesNotContain("\tat ");
    assertThat(into).doesNotExist();
    BrokenSuitesTest.Result unknown = BrokenSuitesTest.cli("predict", out.toString(), "--cell", "cls/nope/djl/s1/f0/p1", "--out", into.toString(),
        broken.toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("has no finished cell cls/nope/djl/s1/f0/p1");
    Files.createDirectories(into);
    Files.writeString(into.resolve("keep.txt"), "mine");
    BrokenSuitesTest.Result occupied = BrokenSuitesTest.cli("predict", out.toString(), "--cell", "cls/cnn3d/djl/s1/f0/p1", "--out", into.toString(),
        scans("classify").values().iterator().next());
    assertThat(occupied.exit()).isEqualTo(2);
    assertThat(occupied.err()).contains("exists and is not an empty folder");
    assertThat(into.resolve("keep.txt")).hasContent("mine");
  }
}
