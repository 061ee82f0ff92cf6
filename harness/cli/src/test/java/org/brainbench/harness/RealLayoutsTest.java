package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dataset layout built from real heads that Debian packages ship, then checked with {@code
 * data check} and run end to end in a tiny suite:
 *
 * <ul>
 *   <li>{@code insighttoolkit5-examples}: a real T1 head (128×128×62 at 2×2×3 mm) with a real
 *       skull-strip map whose three brain classes (4, 5, 6) stand in for tumour labels: no labelled
 *       tumour is reachable here, so the labels are real anatomy, not real tumours;
 *   <li>{@code python3-nibabel}'s test data: a real T1 ({@code anatomical.nii}, int16, LAS);
 *   <li>{@code mricron-data}: Colin27 ({@code ch2bet}, 1 mm).
 * </ul>
 *
 * <p>Diagnoses and ages of the BIDS subjects are drawn (said so here): the images are real, the
 * targets are not. {@code .ci/run} installs the packages and sets BRAINBENCH_REQUIRE_REAL_SCANS=1,
 * which turns missing files into a failure instead of a skip.
 */
class RealLayoutsTest {
  static final Path ITK = Path.of("/usr/share/doc/insighttoolkit5-examples/examples/Data");
  static final Path T1 = ITK.resolve("KmeansTest_T1UCharRaw.nii.gz");
  static final Path BRAIN_CLASSES = ITK.resolve("KmeansTest_T1RawSkullStrip.nii.gz");
  static final Path NIBABEL_T1 = Path.of("/usr/lib/python3/dist-packages/nibabel/tests/data/anatomical.nii");
  static final Path COLIN = Path.of("/usr/share/mricron/templates/ch2bet.nii.gz");

  @TempDir static Path dir;
  static Volume head;
  static float[] classes;

  @BeforeAll
  static void realScans() throws IOException {
    boolean present = Files.exists(T1) && Files.exists(BRAIN_CLASSES) && Files.exists(NIBABEL_T1) && Files.exists(COLIN);
    if (!present) {
      assertThat(System.getenv("BRAINBENCH_REQUIRE_REAL_SCANS"))
          .as("BRAINBENCH_REQUIRE_REAL_SCANS is set but the real scans are missing: apt-get install insighttoolkit5-examples mricron-data python3-nibabel")
          .isNull();
    }
    assumeTrue(present, "real scans not installed (insighttoolkit5-examples, mricron-data, python3-nibabel)");
    head = NiftiVolumes.read(T1);
    classes = NiftiVolumes.read(BRAIN_CLASSES).channel(0);
  }

  /** The skull-strip classes as tumour labels: class 6 (most of the brain) -> {@code six}, 5 -> {@code five}, 4 -> {@code four}. */
  static float[] labels(int six, int five, int four) {
    float[] out = new float[classes.length];
    for (int i = 0; i < out.length; i++) {
      int c = Math.round(classes[i]);
      out[i] = c == 6 ? six : c == 5 ? five : c == 4 ? four : 0;
    }
    return out;
  }

  /** Case {@code k} of a layout: odd cases are mirrored left to right, so the cases differ. */
  static float[] caseOf(float[] data, int k) {
    if (k % 2 == 0) {
      return data;
    }
    float[] out = new float[data.length];
    int nx = head.grid().nx();
    for (int i = 0; i < data.length; i++) {
      int x = i % nx;
      out[i] = data[i - x + (nx - 1 - x)];
    }
    return out;
  }

  static void write(Path file, float[]... channels) throws IOException {
    Files.createDirectories(file.getParent());
    int[] s = head.grid().shape();
    int n = channels[0].length;
    float[] data = new float[n * channels.length];
    for (int c = 0; c < channels.length; c++) {
      System.arraycopy(channels[c], 0, data, c * n, n);
    }
    int[] shape = channels.length == 1 ? s : new int[] {s[0], s[1], s[2], channels.length};
    NiftiWriter.write(file, shape, data, head.grid().affine(), channels.length == 1 && isLabels(channels[0])
        ? NiftiWriter.Options.labels() : NiftiWriter.Options.float32());
  }

  private static boolean isLabels(float[] v) {
    for (float x : v) {
      if (x != Math.rint(x) || x < 0 || x > 4) {
        return false;
      }
    }
    return true;
  }

  static JsonNode check(Path data, String... more) throws IOException {
    List<String> args = new ArrayList<>(List.of("data", "check", data.toString(), "--json"));
    args.addAll(List.of(more));
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli(args.toArray(String[]::new));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  /** Runs a one-task suite on the dataset and returns its one row. */
  static ObjectNode run(String name, String dataset, String task) throws IOException {
    Path suite = dir.resolve(name + ".yaml");
    Files.writeString(suite, """
        name: %s
        cache: cache
        datasets: {data: %s}
        preprocess: {shape: 16}
        tasks:
          - %s
        models:
          - id: cnn3d
            params: {channels: [4, 8], segmentationLevels: 2, dropout: 0}
        training: {epochs: 1, batchSize: 2}
        threads: 1
        """.formatted(name, dataset, task));
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out-" + name).toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    Map<String, ObjectNode> rows = RunSuiteTest.rows(dir.resolve("out-" + name));
    assertThat(rows).hasSize(1);
    ObjectNode row = rows.values().iterator().next();
    assertThat(row.get("status").asText()).isEqualTo("ok");
    return row;
  }

  static final String SEGMENT_SPLIT = "split: {test: 0.34, validation: 0}";

  @Test
  void brats2021() throws IOException {
    Path root = dir.resolve("BraTS2021");
    for (int k = 0; k < 6; k++) {
      String id = "BraTS2021_%05d".formatted(k);
      for (String m : List.of("t1", "t1ce", "t2", "flair")) {
        write(root.resolve(id).resolve(id + "_" + m + ".nii.gz"), caseOf(head.channel(0), k));
      }
      write(root.resolve(id).resolve(id + "_seg.nii.gz"), caseOf(labels(2, 1, 4), k));
    }
    JsonNode c = check(root, "--stats");
    assertThat(c.get("format").asText()).isEqualTo("brats");
    assertThat(c.get("labelConvention").asText()).isEqualTo("brats2021");
    assertThat(c.get("scans").asInt()).isEqualTo(6);
    assertThat(c.get("shapes").get("128x128x62").asInt()).isEqualTo(6);
    assertThat(c.get("voxelSizes").has("2x2x3")).isTrue();
    assertThat(c.get("labels").get("4").get("voxels").asLong()).isEqualTo(6 * 126L);
    ObjectNode row = run("brats2021", root.toString(), "{name: tumour, type: segment, dataset: data, labels: [1, 2, 4], " + SEGMENT_SPLIT + "}");
    assertThat(row.get("labelConvention").asText()).isEqualTo("brats2021");
    assertThat(row.get("metrics").has("diceWT")).isTrue();

    // the trained cell on a real case, given by its channel files: a label map on the case's own grid that score compares with its mask
    Path c0 = root.resolve("BraTS2021_00000");
    String scan = String.join(",", List.of("t1", "t1ce", "t2", "flair").stream().map(m -> c0.resolve("BraTS2021_00000_" + m + ".nii.gz").toString()).toList());
    Path predicted = dir.resolve("predicted-brats");
    BrokenSuitesTest.Result p = BrokenSuitesTest.cli("predict", dir.resolve("out-brats2021").toString(), "--cell", row.get("cell").asText(),
        "--out", predicted.toString(), scan);
    assertThat(p.exit()).as(p.err()).isZero();
    Path truth = Files.createDirectories(dir.resolve("truth-brats"));
    Files.copy(c0.resolve("BraTS2021_00000_seg.nii.gz"), truth.resolve("BraTS2021_00000_t1.nii.gz"));
    BrokenSuitesTest.Result scored = BrokenSuitesTest.cli("score", "--task", "segment", "--truth", truth.toString(), "--pred", predicted.toString(),
        "--regions", "brats2021", "--json");
    assertThat(scored.exit()).as(scored.err()).isZero();
    assertThat(new ObjectMapper().readTree(scored.out()).get("metrics").get("diceWT").isNumber()).isTrue();
  }

  @Test
  void brats2023() throws IOException {
    Path root = dir.resolve("BraTS2023-GLI");
    for (int k = 0; k < 6; k++) {
      String id = "BraTS-GLI-%05d-000".formatted(k);
      for (String m : List.of("t1n", "t1c", "t2w", "t2f")) {
        write(root.resolve(id).resolve(id + "-" + m + ".nii.gz"), caseOf(head.channel(0), k));
      }
      write(root.resolve(id).resolve(id + "-seg.nii.gz"), caseOf(labels(2, 1, 3), k));
    }
    JsonNode c = check(root);
    assertThat(c.get("labelConvention").asText()).isEqualTo("brats2023");
    assertThat(c.get("modalities").toString()).isEqualTo("[\"t1n\",\"t1c\",\"t2w\",\"t2f\"]");
    ObjectNode row = run("brats2023", root.toString(), "{name: tumour, type: segment, dataset: data, labels: [1, 2, 3], " + SEGMENT_SPLIT + "}");
    assertThat(row.get("labelConvention").asText()).isEqualTo("brats2023");
    assertThat(row.get("metrics").get("hd95ET").isNumber()).isTrue();
  }

  @Test
  void decathlon() throws IOException {
    Path root = dir.resolve("Task01_BrainTumour");
    StringBuilder training = new StringBuilder();
    for (int k = 0; k < 6; k++) {
      String id = "BRATS_%03d".formatted(k + 1);
      float[] t1 = caseOf(head.channel(0), k);
      write(root.resolve("imagesTr/" + id + ".nii.gz"), t1, t1, t1, t1);
      write(root.resolve("labelsTr/" + id + ".nii.gz"), caseOf(labels(1, 2, 3), k));
      training.append(k == 0 ? "" : ", ").append("{\"image\": \"./imagesTr/%s.nii.gz\", \"label\": \"./labelsTr/%s.nii.gz\"}".formatted(id, id));
    }
    Files.writeString(root.resolve("dataset.json"), """
        {"name": "BRATS", "modality": {"0": "FLAIR", "1": "T1w", "2": "t1gd", "3": "T2w"},
         "labels": {"0": "background", "1": "edema", "2": "non-enhancing tumor", "3": "enhancing tumour"},
         "training": [%s], "test": []}
        """.formatted(training));
    JsonNode c = check(root);
    assertThat(c.get("format").asText()).isEqualTo("msd");
    assertThat(c.get("labelConvention").asText()).isEqualTo("msd");
    ObjectNode row = run("msd", root.toString(), "{name: tumour, type: segment, dataset: data, labels: [1, 2, 3], " + SEGMENT_SPLIT + "}");
    assertThat(row.get("labelConvention").asText()).isEqualTo("msd");
    assertThat(row.get("params").get("spec").asLong()).isPositive();
  }

  @Test
  void nnunet() throws IOException {
    Path root = dir.resolve("Dataset001_BrainTumour");
    for (int k = 0; k < 6; k++) {
      String id = "BRATS_%03d".formatted(k + 1);
      for (int ch = 0; ch < 2; ch++) {
        write(root.resolve("imagesTr/%s_%04d.nii.gz".formatted(id, ch)), caseOf(head.channel(0), k));
      }
      write(root.resolve("labelsTr/" + id + ".nii.gz"), caseOf(labels(1, 2, 3), k));
    }
    Files.writeString(root.resolve("dataset.json"), """
        {"channel_names": {"0": "T1", "1": "FLAIR"},
         "labels": {"background": 0, "edema": 1, "non-enhancing tumor": 2, "enhancing tumour": 3},
         "numTraining": 6, "file_ending": ".nii.gz"}
        """);
    JsonNode c = check(root);
    assertThat(c.get("format").asText()).isEqualTo("nnunet");
    assertThat(c.get("modalities").toString()).isEqualTo("[\"t1\",\"flair\"]");
    ObjectNode row = run("nnunet", root.toString(), "{name: tumour, type: segment, dataset: data, labels: [1, 2, 3], " + SEGMENT_SPLIT + "}");
    assertThat(row.get("metrics").has("diceTC")).isTrue();
  }

  @Test
  void clinicaBids() throws IOException {
    Path root = dir.resolve("ADNI-BIDS");
    Path[] heads = {T1, NIBABEL_T1, COLIN};
    List<String> participants = new ArrayList<>(List.of("participant_id\tsex"));
    for (int s = 1; s <= 8; s++) {
      String sub = "sub-ADNI%03d".formatted(s);
      participants.add(sub + "\t" + (s % 2 == 0 ? "F" : "M"));
      List<String> sessions = new ArrayList<>(List.of("session_id\tdiagnosis\tage"));
      for (int v = 0; v < (s <= 2 ? 2 : 1); v++) {
        String ses = "ses-M%03d".formatted(12 * v);
        Path t1 = root.resolve(sub).resolve(ses).resolve("anat").resolve(sub + "_" + ses + "_T1w" + (heads[s % 3] == NIBABEL_T1 ? ".nii" : ".nii.gz"));
        Files.createDirectories(t1.getParent());
        Files.copy(heads[s % 3], t1);
        // drawn targets: alternate classes, the first subject converting at its second visit
        String dx = s == 1 && v == 1 ? "AD" : s % 2 == 0 ? "AD" : "CN";
        sessions.add(ses + "\t" + dx + "\t" + (60 + s + v));
      }
      Files.write(root.resolve(sub).resolve(sub + "_sessions.tsv"), sessions);
    }
    Files.write(root.resolve("participants.tsv"), participants);
    JsonNode c = check(root, "--task", "classify");
    assertThat(c.get("format").asText()).isEqualTo("bids");
    assertThat(c.get("subjects").asInt()).isEqualTo(8);
    assertThat(c.get("sessions").asInt()).isEqualTo(10);
    assertThat(c.get("classes").get("AD").asInt()).isEqualTo(6); // s2 (two sessions), s4, s6, s8, and s1 at its second visit
    assertThat(c.get("orientations").size()).as("real heads in more than one orientation").isGreaterThan(1);
    Files.createDirectories(dir.resolve("split"));
    Files.writeString(dir.resolve("split/train.tsv"), "participant_id\tsession_id\nsub-ADNI001\tses-M000\nsub-ADNI002\tses-M000\nsub-ADNI003\tses-M000\n"
        + "sub-ADNI004\tses-M000\nsub-ADNI005\tses-M000\nsub-ADNI006\tses-M000\n");
    Files.writeString(dir.resolve("split/test.tsv"), "participant_id\tsession_id\nsub-ADNI007\tses-M000\nsub-ADNI008\tses-M000\n");
    ObjectNode row = run("bids", root.toString(),
        "{name: dx, type: classify, dataset: data, classes: [CN, AD], split: {files: {train: split/train.tsv, test: split/test.tsv}}}");
    // the first two subjects' second sessions follow them into training
    assertThat(row.get("split").get("train").asInt()).isEqualTo(6);
    assertThat(row.get("split").get("test").asInt()).isEqualTo(2);
  }
}
