package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brainbench.harness.result.ResultsFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole suite at a tiny size, through the command line: rows per docs/results.md, predictions that
 * {@code score} turns back into the same metrics, the same numbers on a second run, and a diverging
 * cell recorded as failed while the suite goes on.
 */
class RunSuiteTest {
  static final String SUITE = """
      name: tiny
      builtin: {shape: 16, subjects: 16, seed: 3}
      cache: cache
      datasets:
        cls: builtin:classify
        age: builtin:regress
        seg: builtin:segment
      preprocess: {shape: 16}
      tasks:
        - {name: cls, type: classify, dataset: cls, classes: [CN, AD], split: {test: 0.3, validation: 0.2}}
        - {name: age, type: regress, dataset: age, split: {test: 0.3, validation: 0.2}}
        - {name: seg, type: segment, dataset: seg, labels: [1, 2, 4], regions: brats2021, split: {test: 0.3, validation: 0.2}}
      models:
        - id: cnn3d
          params: {channels: [4, 8, 8], segmentationLevels: 2, dropout: 0}
      training: {epochs: 2, batchSize: 4, learningRate: 0.003, augmentation: {flip: 0.5, rotateDegrees: 5, scale: 0.05, intensity: 0.05}}
      threads: 1
      """;

  @TempDir static Path dir;
  static Path suite;
  static BrokenSuitesTest.Result first;

  @BeforeAll
  static void runOnce() throws IOException {
    suite = dir.resolve("tiny.yaml");
    Files.writeString(suite, SUITE);
    first = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out1").toString());
  }

  static Map<String, ObjectNode> rows(Path out) throws IOException {
    Map<String, ObjectNode> m = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
      ObjectNode r = (ObjectNode) org.brainbench.harness.Json.mapper().readTree(line);
      m.put(r.get("cell").asText(), r);
    }
    return m;
  }

  @Test
  void writesOneCompleteRowPerCell() throws IOException {
    assertThat(first.exit()).as(first.err()).isZero();
    Map<String, ObjectNode> rows = rows(dir.resolve("out1"));
    assertThat(rows.keySet()).containsExactly("age/cnn3d/djl/s1/f0/p1", "cls/cnn3d/djl/s1/f0/p1", "seg/cnn3d/djl/s1/f0/p1");
    for (ObjectNode r : rows.values()) {
      assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("ok");
      for (String key : List.of("schema", "suite", "cell", "task", "taskType", "dataset", "model", "backend", "seed", "fold",
          "labelFraction", "status", "error", "metrics", "params", "timing", "memory", "epochs", "provenance")) {
        assertThat(r.has(key)).as(key).isTrue();
      }
      assertThat(r.get("params").get("total").asLong()).isEqualTo(r.get("params").get("spec").asLong()).isPositive();
      assertThat(r.get("timing").get("volumesPerSecond").asDouble()).isPositive();
      assertThat(r.get("memory").get("peakRssBytes").asLong()).isPositive();
      JsonNode p = r.get("provenance");
      for (String key : List.of("configHash", "gitCommit", "harnessVersion", "backendVersion", "nativeVersion", "java", "os", "cpu",
          "gpu", "threads", "datasetHash", "splitHash", "startedAt", "finishedAt")) {
        assertThat(p.has(key)).as("provenance." + key).isTrue();
      }
      assertThat(p.get("threads").asInt()).isEqualTo(1);
      assertThat(r.get("history")).hasSize(2);
      assertThat(dir.resolve("out1/checkpoints").resolve(r.get("cell").asText()).resolve("weights.safetensors")).exists();
    }
    assertThat(first.out()).contains("baseline: majority class").contains("baseline: mean age").contains("baseline: empty mask");
  }

  @Test
  void predictionsScoreBackToTheSameMetrics() throws IOException {
    Map<String, ObjectNode> rows = rows(dir.resolve("out1"));
    Path out = dir.resolve("out1");
    // classification: truth from the predictions file's truth column
    Path cls = out.resolve("predictions/cls/cnn3d/djl/s1/f0/p1.csv");
    List<String> lines = Files.readAllLines(cls);
    List<String> truth = new ArrayList<>(List.of("subject_id,label"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      truth.add(f[0] + "," + f[1]);
    }
    Path truthFile = dir.resolve("cls-truth.csv");
    Files.write(truthFile, truth);
    BrokenSuitesTest.Result scored = BrokenSuitesTest.cli("score", "--task", "classify", "--truth", truthFile.toString(), "--pred", cls.toString(), "--json");
    assertThat(scored.exit()).as(scored.err()).isZero();
    JsonNode s = new ObjectMapper().readTree(scored.out());
    JsonNode row = rows.get("cls/cnn3d/djl/s1/f0/p1").get("metrics");
    for (String m : List.of("accuracy", "balancedAccuracy")) {
      assertThat(s.get("metrics").get(m).asDouble()).as(m).isCloseTo(row.get(m).asDouble(), within(1e-9));
    }
    assertThat(s.get("metrics").get("auc").asDouble()).isCloseTo(row.get("auc").asDouble(), within(1e-4)); // 6 significant digits in the CSV
    // segmentation: the label maps written beside the results
    Path seg = out.resolve("predictions/seg/cnn3d/djl/s1/f0/p1");
    BrokenSuitesTest.Result segScored = BrokenSuitesTest.cli("score", "--task", "segment", "--truth", seg.resolve("truth").toString(),
        "--pred", seg.resolve("pred").toString(), "--json");
    assertThat(segScored.exit()).as(segScored.err()).isZero();
    JsonNode ss = new ObjectMapper().readTree(segScored.out());
    JsonNode segRow = rows.get("seg/cnn3d/djl/s1/f0/p1").get("metrics");
    assertThat(ss.get("metrics").get("dice").asDouble()).isCloseTo(segRow.get("dice").asDouble(), within(1e-9));
    assertThat(ss.get("metrics").get("hd95").asDouble()).isCloseTo(segRow.get("hd95").asDouble(), within(1e-6));
    assertThat(ss.get("metrics").has("diceWT")).isFalse();
    // the BraTS regions, in the row and from score --regions alike
    assertThat(rows.get("seg/cnn3d/djl/s1/f0/p1").get("labelConvention").asText()).isEqualTo("brats2021");
    assertThat(rows.get("cls/cnn3d/djl/s1/f0/p1").has("labelConvention")).isFalse();
    BrokenSuitesTest.Result regions = BrokenSuitesTest.cli("score", "--task", "segment", "--truth", seg.resolve("truth").toString(),
        "--pred", seg.resolve("pred").toString(), "--regions", "brats2021", "--json");
    assertThat(regions.exit()).as(regions.err()).isZero();
    JsonNode rs = new ObjectMapper().readTree(regions.out());
    for (String m : List.of("diceWT", "diceTC", "diceET", "hd95WT", "hd95TC", "hd95ET")) {
      assertThat(segRow.has(m)).as(m).isTrue();
      assertThat(rs.get("metrics").get(m).asDouble()).as(m).isCloseTo(segRow.get(m).asDouble(), within(1e-6));
      assertThat(rows.get("seg/cnn3d/djl/s1/f0/p1").get("ci95").has(m)).as("ci95." + m).isTrue();
    }
    assertThat(rs.get("perCase").get(0).get("regionDice").has("WT")).isTrue();
    BrokenSuitesTest.Result wrong = BrokenSuitesTest.cli("score", "--task", "regress", "--truth", seg.resolve("truth").toString(),
        "--pred", seg.resolve("pred").toString(), "--regions", "brats2021");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("--regions: only segment predictions have regions").doesNotContain("\tat ");
  }

  @Test
  void theSameSeedGivesTheSameNumbers() throws IOException {
    BrokenSuitesTest.Result second = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out2").toString());
    assertThat(second.exit()).isZero();
    Map<String, ObjectNode> a = rows(dir.resolve("out1"));
    Map<String, ObjectNode> b = rows(dir.resolve("out2"));
    for (String cell : a.keySet()) {
      assertThat(b.get(cell).get("metrics")).as(cell).isEqualTo(a.get(cell).get("metrics"));
      assertThat(b.get(cell).get("history").get(1).get("trainLoss")).isEqualTo(a.get(cell).get("history").get(1).get("trainLoss"));
      assertThat(b.get(cell).get("provenance").get("splitHash")).isEqualTo(a.get(cell).get("provenance").get("splitHash"));
    }
  }

  @Test
  void aDivergingCellIsRecordedAsFailedAndTheSuiteGoesOn() throws IOException {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out3").toString(),
        "--backend", "diverging", "--only", "age/**");
    assertThat(r.exit()).isEqualTo(1);
    ObjectNode row = rows(dir.resolve("out3")).get("age/cnn3d/diverging/s1/f0/p1");
    assertThat(row.get("status").asText()).isEqualTo("failed");
    assertThat(row.get("error").asText()).contains("diverged").contains("NaN");
    assertThat(r.out()).contains("FAILED age/cnn3d/diverging");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void resumeKeepsFinishedCellsAndRunsChangedOrTornOnes() throws IOException {
    Path out = dir.resolve("resume");
    Files.createDirectories(out);
    List<String> lines = Files.readAllLines(dir.resolve("out1/results.jsonl"));
    Map<String, ObjectNode> before = rows(dir.resolve("out1"));
    // the age row was made from another configuration; the seg row is torn in half, as a killed appender leaves it
    String age = lines.stream().filter(l -> l.contains("\"cell\":\"age/")).findFirst().orElseThrow();
    String cls = lines.stream().filter(l -> l.contains("\"cell\":\"cls/")).findFirst().orElseThrow();
    String seg = lines.stream().filter(l -> l.contains("\"cell\":\"seg/")).findFirst().orElseThrow();
    String changedAge = age.replaceFirst("\"configHash\":\"[0-9a-f]+\"", "\"configHash\":\"0000\"");
    Files.writeString(out.resolve("results.jsonl"), changedAge + "\n" + cls + "\n" + seg.substring(0, seg.length() / 2));

    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", out.toString(), "--resume");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("torn last line dropped").contains("cls/cnn3d/djl/s1/f0/p1  finished before, kept")
        .contains("age/cnn3d/djl/s1/f0/p1: configuration or data changed");
    Map<String, ObjectNode> after = rows(out);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    // kept: the very same row; re-run: a new row with the same numbers (same seed)
    assertThat(after.get("cls/cnn3d/djl/s1/f0/p1").toString()).isEqualTo(new ObjectMapper().readTree(cls).toString());
    for (String cell : List.of("age/cnn3d/djl/s1/f0/p1", "seg/cnn3d/djl/s1/f0/p1")) {
      assertThat(after.get(cell).get("provenance").get("startedAt")).isNotEqualTo(before.get(cell).get("provenance").get("startedAt"));
      assertThat(after.get(cell).get("metrics")).as(cell).isEqualTo(before.get(cell).get("metrics"));
    }
  }

  @Test
  void shardsMergeIntoTheSameResultsAsOneRun() throws IOException {
    List<String> shards = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      String folder = dir.resolve("shard" + i).toString();
      BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", folder, "--shard", i + "/2");
      assertThat(r.exit()).as(r.err()).isZero();
      shards.add(folder);
    }
    assertThat(rows(dir.resolve("shard1")).size() + rows(dir.resolve("shard2")).size()).isEqualTo(3);
    List<String> merge = new ArrayList<>(List.of("merge"));
    merge.addAll(shards);
    merge.addAll(List.of("--out", dir.resolve("merged").toString()));
    BrokenSuitesTest.Result merged = BrokenSuitesTest.cli(merge.toArray(String[]::new));
    assertThat(merged.exit()).as(merged.err()).isZero();
    assertThat(dir.resolve("merged/predictions/cls/cnn3d/djl/s1/f0/p1.csv")).exists();
    assertThat(dir.resolve("merged/checkpoints/seg/cnn3d/djl/s1/f0/p1/weights.safetensors")).exists();
    assertThat(dir.resolve("merged/checkpoints/seg/cnn3d/djl/s1/f0/p1/targets.json")).exists();
    assertThat(dir.resolve("merged/suite.yaml")).hasSameTextualContentAs(suite);
    BrokenSuitesTest.Result compared = BrokenSuitesTest.cli("compare", dir.resolve("out1").toString(), dir.resolve("merged").toString());
    assertThat(compared.exit()).as(compared.out()).isZero();
    assertThat(compared.out()).contains("0 regressed, 0 improved");
    // the same shard twice is a duplicate; a second merge into the same folder is refused
    BrokenSuitesTest.Result twice = BrokenSuitesTest.cli("merge", shards.get(0), shards.get(0), "--out", dir.resolve("m2").toString());
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(twice.err()).contains("is in both").doesNotContain("\tat ");
    assertThat(dir.resolve("m2/results.jsonl")).doesNotExist();
    assertThat(BrokenSuitesTest.cli(merge.toArray(String[]::new)).err()).contains("already holds results.jsonl");
  }

  /**
   * merge goes by the suite file each shard last ran: a row that --resume kept from an earlier
   * version of it (same configuration, so kept) does not stop the merge; shards run from different
   * versions do.
   */
  @Test
  void mergeGoesByTheSuiteFileEachShardLastRan() throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("out1/results.jsonl"));
    String cls = lines.stream().filter(l -> l.contains("\"cell\":\"cls/")).findFirst().orElseThrow();
    String rest = String.join("\n", lines.stream().filter(l -> !l.contains("\"cell\":\"cls/")).toList()) + "\n";
    String earlier = cls.replaceFirst("\"suiteHash\":\"[0-9a-f]+\"", "\"suiteHash\":\"" + "0".repeat(64) + "\"");
    Path kept = shardOf(dir.resolve("kept"), earlier + "\n", Files.readString(suite));
    Path others = shardOf(dir.resolve("others"), rest, Files.readString(suite));
    BrokenSuitesTest.Result ok = BrokenSuitesTest.cli("merge", kept.toString(), others.toString(), "--out", dir.resolve("m-kept").toString());
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(rows(dir.resolve("m-kept"))).hasSize(lines.size());

    Path edited = shardOf(dir.resolve("edited"), rest, Files.readString(suite) + "# edited after shard 1 ran\n");
    BrokenSuitesTest.Result refused = BrokenSuitesTest.cli("merge", kept.toString(), edited.toString(), "--out", dir.resolve("m-edited").toString());
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("different suite file").doesNotContain("\tat ");
    // without the suite file beside them, rows of two suite files cannot say which ran last
    Path bare = shardOf(dir.resolve("bare"), earlier + "\n" + rest, null);
    BrokenSuitesTest.Result unknown = BrokenSuitesTest.cli("merge", bare.toString(), "--out", dir.resolve("m-bare").toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("rows from different suite files").contains(bare.toString());
    assertThat(dir.resolve("m-edited/results.jsonl")).doesNotExist();
  }

  private static Path shardOf(Path folder, String rows, String suiteText) throws IOException {
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("results.jsonl"), rows);
    if (suiteText != null) {
      Files.writeString(folder.resolve("suite.yaml"), suiteText);
    }
    return folder;
  }

  @Test
  void shardsOfDifferentSuitesDoNotMerge() throws IOException {
    Path other = dir.resolve("other.yaml");
    Files.writeString(other, SUITE.replace("name: tiny", "name: tiny2"));
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", other.toString(), "--out", dir.resolve("o").toString(), "--only", "age/**");
    assertThat(r.exit()).as(r.err()).isZero();
    BrokenSuitesTest.Result m = BrokenSuitesTest.cli("merge", dir.resolve("out1").toString(), dir.resolve("o").toString(), "--out", dir.resolve("m3").toString());
    assertThat(m.exit()).isEqualTo(2);
    assertThat(m.err()).contains("suite \"tiny2\"").contains("suite \"tiny\"");
  }

  @Test
  void validateParamsPrintsTheCountsARunRecords() throws IOException {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", suite.toString(), "--params");
    assertThat(r.exit()).as(r.err()).isZero();
    for (ObjectNode row : rows(dir.resolve("out1")).values()) {
      String total = String.format("%,d", row.get("params").get("total").asLong());
      assertThat(r.out()).containsPattern("(?m)^  " + row.get("task").asText() + "\\s+cnn3d\\s+full\\s+" + total + "\\s+" + total + "\\s+0\\.0%$");
    }
  }

  /**
   * SIGKILL a real run (a separate JVM) as soon as its first cell's row is on disk, then resume:
   * the file is never torn, finished cells are kept, and the end result equals an uninterrupted run.
   */
  @Test
  void aKilledRunResumesToTheSameResults() throws Exception {
    Path out = dir.resolve("killed");
    Process p = startRun(dir.resolve("killed.log"), "run", suite.toString(), "--out", out.toString());
    Path file = out.resolve("results.jsonl");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline && p.isAlive() && (!Files.exists(file) || Files.readAllLines(file).isEmpty())) {
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(); // SIGKILL
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).as(Files.readString(dir.resolve("killed.log"))).isNotEmpty();
    assertThat(lines.size()).as("the kill came before the last cell").isLessThan(3);
    for (String line : lines) {
      assertThat(new ObjectMapper().readTree(line).get("status").asText()).isEqualTo("ok"); // whole rows only
    }
    BrokenSuitesTest.Result resumed = BrokenSuitesTest.cli("run", suite.toString(), "--out", out.toString(), "--resume");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.err()).contains("finished before, kept");
    Map<String, ObjectNode> expected = rows(dir.resolve("out1"));
    Map<String, ObjectNode> after = rows(out);
    assertThat(after.keySet()).isEqualTo(expected.keySet());
    for (String cell : expected.keySet()) {
      assertThat(after.get(cell).get("metrics")).as(cell).isEqualTo(expected.get(cell).get("metrics"));
    }
  }

  /** SIGKILL a real run in the middle of a cell; --resume continues from the last finished epoch and ends where an uninterrupted run ends. */
  @Test
  void aCellKilledMidTrainingResumesFromItsLastEpoch() throws Exception {
    Path longer = dir.resolve("longer.yaml");
    Files.writeString(longer, SUITE.replace("epochs: 2,", "epochs: 8,"));
    BrokenSuitesTest.Result whole = BrokenSuitesTest.cli("run", longer.toString(), "--out", dir.resolve("whole").toString(), "--only", "age/**");
    assertThat(whole.exit()).as(whole.err()).isZero();

    Path out = dir.resolve("interrupted");
    Path state = out.resolve("checkpoints/age/cnn3d/djl/s1/f0/p1/training-state.safetensors");
    Process p = startRun(dir.resolve("interrupted.log"), "run", longer.toString(), "--out", out.toString(), "--only", "age/**");
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline && p.isAlive() && !Files.exists(state)) {
      Thread.sleep(5);
    }
    p.destroyForcibly().waitFor(); // SIGKILL, mid-cell: the state of a finished epoch is on disk
    assertThat(state).as(Files.readString(dir.resolve("interrupted.log"))).exists();
    assertThat(out.resolve("results.jsonl")).doesNotExist();

    BrokenSuitesTest.Result resumed = BrokenSuitesTest.cli("run", longer.toString(), "--out", out.toString(), "--only", "age/**", "--resume");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    ObjectNode expected = rows(dir.resolve("whole")).get("age/cnn3d/djl/s1/f0/p1");
    ObjectNode actual = rows(out).get("age/cnn3d/djl/s1/f0/p1");
    assertThat(actual.get("resumedFromEpoch").asInt()).isBetween(1, 7);
    assertThat(resumed.err()).contains("resumed after epoch");
    assertThat(actual.get("metrics")).isEqualTo(expected.get("metrics"));
    assertThat(actual.get("bestEpoch")).isEqualTo(expected.get("bestEpoch"));
    for (int e = 0; e < 8; e++) {
      assertThat(actual.get("history").get(e).get("trainLoss")).as("epoch " + (e + 1)).isEqualTo(expected.get("history").get(e).get("trainLoss"));
      assertThat(actual.get("history").get(e).get("validation")).isEqualTo(expected.get("history").get(e).get("validation"));
    }
    assertThat(state).doesNotExist(); // the finished cell's row replaces its training state
  }

  /** The CLI in a JVM of its own (so a test can SIGKILL it), output to {@code log}. */
  private static Process startRun(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true",
        "-cp", System.getProperty("java.class.path"), "org.brainbench.cli.Main"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
