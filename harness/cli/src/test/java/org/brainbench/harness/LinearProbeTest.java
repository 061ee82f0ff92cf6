package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune: linear-probe}: the pre-trained model stays as it was, a linear model fitted on its
 * embeddings (penalty chosen on validation) becomes its head, and the cell is scored and saved as
 * any other. And {@code embed}: a stage's or a cell's embeddings of NIfTI files, as a CSV.
 */
class LinearProbeTest {
  @TempDir static Path dir;
  static BrokenSuitesTest.Result run;
  static Map<String, ObjectNode> rows;

  @BeforeAll
  static void runSuite() throws IOException {
    Path suite = dir.resolve("probe.yaml");
    Files.copy(Path.of("src/test/resources/linear-probe-suite.yaml"), suite);
    run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    rows = RunSuiteTest.rows(dir.resolve("out"));
  }

  @Test
  void aLinearHeadOnFrozenEmbeddingsIsFittedChosenOnValidationAndSaved() throws IOException {
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    Map<String, Tensor> stage = tensors(dir.resolve("out").resolve(rows.get("pre/mt/djl/s1/f0/p1").get("weights").asText()));
    for (String cell : new String[] {"cls/mt/djl/s1/f0/p1", "age/mt/djl/s1/f0/p1"}) {
      ObjectNode row = rows.get(cell);
      assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("ok");
      assertThat(row.get("init").get("finetune").asText()).isEqualTo("linear-probe");
      assertThat(row.get("epochs").asInt()).as("nothing trained by gradient").isZero();
      JsonNode search = row.get("tuning");
      assertThat(search.get("trials")).hasSize(6);
      assertThat(search.get("chosen").has("l2")).isTrue();
      long head = row.get("params").get("total").asLong() - row.get("params").get("trainable").asLong();
      assertThat(row.get("params").get("trainable").asLong()).as("the head's parameters").isLessThan(head);
      Map<String, Tensor> saved = tensors(dir.resolve("out/checkpoints").resolve(cell).resolve("weights.safetensors"));
      for (String name : stage.keySet()) {
        if (saved.containsKey(name) && !name.startsWith("head.")) {
          assertThat(saved.get(name).data()).as("%s stays as pre-trained", name).containsExactly(stage.get(name).data());
        }
      }
      assertThat(saved.get("head.weight").data()).as("the fitted head").isNotEmpty();
    }
    assertThat(rows.get("cls/mt/djl/s1/f0/p1").get("metrics").get("auc").asDouble()).isBetween(0.0, 1.0);
  }

  /** Two of the built-in classify scans, as a user would point at NIfTI files. */
  private static java.util.List<Path> scans() throws IOException {
    try (var files = Files.walk(dir.resolve("cache"))) {
      return files.filter(f -> f.toString().contains("/classify/") && f.getFileName().toString().endsWith(".nii.gz")).sorted().limit(2).toList();
    }
  }

  @Test
  void embedWritesOneRowPerScanFromAStageOrACell() throws IOException {
    java.util.List<Path> scans = scans();
    assertThat(scans).hasSize(2);
    Path stageCsv = dir.resolve("stage.csv");
    Path cellCsv = dir.resolve("cell.csv");
    String suite = dir.resolve("probe.yaml").toString();
    String results = dir.resolve("out").toString();
    BrokenSuitesTest.Result a = BrokenSuitesTest.cli("embed", suite, "--results", results, "--stage", "pre", "--out", stageCsv.toString(),
        scans.get(0).toString(), scans.get(1).toString());
    assertThat(a.exit()).as(a.out() + a.err()).isZero();
    BrokenSuitesTest.Result b = BrokenSuitesTest.cli("embed", suite, "--results", results, "--cell", "cls/mt/djl/s1/f0/p1", "--out", cellCsv.toString(),
        scans.get(0).toString(), scans.get(1).toString());
    assertThat(b.exit()).as(b.out() + b.err()).isZero();
    java.util.List<String> stage = Files.readAllLines(stageCsv);
    assertThat(stage).hasSize(3);
    assertThat(stage.get(0)).startsWith("id,path,e0,e1,").endsWith(",e15"); // the [CLS] token, embedDim 16
    assertThat(stage.get(1)).startsWith(idOf(scans.get(0)) + "," + scans.get(0));
    // a linear probe keeps the stage's encoder: the cell embeds exactly as the stage
    assertThat(Files.readAllLines(cellCsv)).isEqualTo(stage);
  }

  @Test
  void embedNamesAFileThatIsNotNiftiAndWritesNothing() throws IOException {
    Path bad = dir.resolve("notes.nii.gz");
    Files.writeString(bad, "not an image");
    Path csv = dir.resolve("bad.csv");
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("embed", dir.resolve("probe.yaml").toString(), "--results", dir.resolve("out").toString(),
        "--stage", "pre", "--out", csv.toString(), scans().get(0).toString(), bad.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(bad.toString()).doesNotContain("Exception\n\tat");
    assertThat(csv).doesNotExist();
    BrokenSuitesTest.Result unknown = BrokenSuitesTest.cli("embed", dir.resolve("probe.yaml").toString(), "--results", dir.resolve("out").toString(),
        "--cell", "cls/none/djl/s1/f0/p1", "--out", csv.toString(), scans().get(0).toString());
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no finished cell cls/none/djl/s1/f0/p1");
  }

  private static String idOf(Path f) {
    return f.getFileName().toString().replaceFirst("\\.nii\\.gz$", "");
  }

  private static Map<String, Tensor> tensors(Path file) throws IOException {
    return Safetensors.read(file).tensors().stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
  }
}
