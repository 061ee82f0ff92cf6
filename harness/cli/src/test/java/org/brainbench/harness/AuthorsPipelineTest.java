package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.brainbench.api.model.MedicalTransformerJun2021Spec;
import org.brainbench.api.model.View;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authors' pipeline as two chained stages of a suite (tiny sizes): the triplet stage trains one
 * encoder per view, the masked-encoding stage starts from it and trains only the Transformer (its
 * axial encoder stays exactly as the triplet stage left it), and the cell starts from the second
 * stage with the encoder frozen; on both backends.
 */
class AuthorsPipelineTest {
  static final MedicalTransformerJun2021Spec SPEC = new MedicalTransformerJun2021Spec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), 4, 8, 1,
      2, 4, 16, 0.0, 0.25, 0, 0, 1.0, "");

  @TempDir static Path dir;
  static BrokenSuitesTest.Result run;
  static Map<String, ObjectNode> rows;

  @BeforeAll
  static void runSuite() throws IOException {
    Path suite = dir.resolve("authors.yaml");
    Files.copy(Path.of("src/test/resources/authors-pipeline-suite.yaml"), suite);
    run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    rows = RunSuiteTest.rows(dir.resolve("out"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dl4j", "djl"})
  void theStagesRunInChainOrderAndSayWhatTheyTrained(String backend) {
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    String log = run.out() + run.err();
    assertThat(log).contains("pre-training stage mt-mevp/mt/" + backend + "/s1/f0/p1 from mt-triplet");
    assertThat(log.indexOf("pre-training stage mt-triplet/")).isLessThan(log.indexOf("pre-training stage mt-mevp/"));
    assertThat(run.out()).contains("masked-encoding loss").contains("trained " + String.format("%,d", SPEC.transformerParameters()) + " of");
    long encoder = SPEC.encoderParameters(1);
    ObjectNode triplet = rows.get("mt-triplet/mt/" + backend + "/s1/f0/p1");
    assertThat(triplet.get("status").asText()).as(triplet.toString()).isEqualTo("ok");
    assertThat(triplet.get("objective").asText()).isEqualTo("triplet");
    assertThat(triplet.get("protocol").asText()).isEqualTo("jun2021");
    assertThat(triplet.get("params").get("total").asLong()).isEqualTo(3 * encoder);
    assertThat(triplet.get("params").get("trainable").asLong()).isEqualTo(3 * encoder);
    ObjectNode mevp = rows.get("mt-mevp/mt/" + backend + "/s1/f0/p1");
    assertThat(mevp.get("status").asText()).as(mevp.toString()).isEqualTo("ok");
    assertThat(mevp.get("objective").asText()).isEqualTo("masked-encoding");
    assertThat(mevp.get("init").get("from").asText()).isEqualTo("pretrained:mt-triplet");
    assertThat(mevp.get("params").get("total").asLong()).isEqualTo(encoder + SPEC.transformerParameters());
    assertThat(mevp.get("params").get("trainable").asLong()).isEqualTo(SPEC.transformerParameters());
  }

  @ParameterizedTest
  @ValueSource(strings = {"dl4j", "djl"})
  void maskedEncodingKeepsTheTripletStagesAxialEncoder(String backend) throws IOException {
    Map<String, Tensor> triplet = tensors("mt-triplet/mt/" + backend + "/s1/f0/p1");
    Map<String, Tensor> mevp = tensors("mt-mevp/mt/" + backend + "/s1/f0/p1");
    List<String> encoder = mevp.keySet().stream().filter(n -> n.startsWith("encoding.")).sorted().toList();
    assertThat(encoder).isNotEmpty();
    for (String name : encoder) {
      assertThat(mevp.get(name).data()).as(name).containsExactly(triplet.get(name).data());
    }
    assertThat(mevp.keySet()).noneMatch(n -> n.startsWith("encoding_sag.") || n.startsWith("encoding_cor."));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dl4j", "djl"})
  void theCellStartsFromTheSecondStageWithItsEncoderFrozen(String backend) {
    ObjectNode cell = rows.get("cls/mt/" + backend + "/s1/f0/p1");
    assertThat(cell.get("status").asText()).as(cell.toString()).isEqualTo("ok");
    assertThat(cell.get("init").get("from").asText()).isEqualTo("pretrained:mt-mevp");
    assertThat(cell.get("init").get("finetune").asText()).isEqualTo("frozen-encoder");
    long total = cell.get("params").get("total").asLong();
    assertThat(cell.get("params").get("trainable").asLong()).isEqualTo(total - SPEC.encoderParameters(1));
  }

  private static Map<String, Tensor> tensors(String stageCell) throws IOException {
    Path file = dir.resolve("out").resolve(rows.get(stageCell).get("weights").asText());
    return Safetensors.read(file).tensors().stream().collect(Collectors.toMap(Tensor::name, Function.identity()));
  }
}
