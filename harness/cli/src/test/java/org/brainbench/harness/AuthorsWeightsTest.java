package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint saved by the authors' code (their state-dict names, as safetensors) is a model
 * parameter of the jun2021 protocol; one whose names or shapes do not fit is refused before anything
 * runs, with every mismatch listed and exit code 2.
 */
class AuthorsWeightsTest {
  static final Path FIXTURE = Path.of("../../tools/authors-reference/fixtures/medical-transformer-stage2-mep/weights.safetensors");

  private static Path suite(Path dir, Path weights) throws IOException {
    Path suite = dir.resolve("authors-weights.yaml");
    Files.writeString(suite, """
        name: authors-weights
        builtin: {shape: [33, 65, 33], subjects: 12, seed: 5}
        cache: cache
        datasets: {cls: builtin:classify}
        preprocess: {shape: [33, 65, 33], normalize: minmax}
        tasks:
          - {name: cls, type: classify, dataset: cls, classes: [CN, AD]}
        models:
          - name: mt
            id: medical-transformer
            params: {protocol: jun2021, width: 4, embedDim: 16, heads: 4, headDim: 256, ffn: 32, poolWindow: 2, positionBase: 65, weights: %s}
        backends: [djl]
        """.formatted(weights.toAbsolutePath()));
    return suite;
  }

  @Test
  void theAuthorsCheckpointFitsTheirModel(@TempDir Path dir) throws IOException {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", suite(dir, FIXTURE).toString(), "--params");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
  }

  @Test
  void aCheckpointThatDoesNotFitListsEveryMismatchAndExits2(@TempDir Path dir) throws IOException {
    List<Tensor> tampered = new ArrayList<>();
    for (Tensor t : Safetensors.read(FIXTURE).tensors()) {
      if (t.name().equals("TF.encoding_block.norm.alpha")) {
        tampered.add(new Tensor("module.TF.encoding_block.norm.gamma", t.shape(), t.data())); // renamed (their DataParallel prefix is fine)
      } else if (t.name().equals("encoding.fc.bias")) {
        tampered.add(new Tensor(t.name(), new long[] {t.size() - 1}, java.util.Arrays.copyOf(t.data(), (int) t.size() - 1)));
      } else {
        tampered.add(new Tensor("module." + t.name(), t.shape(), t.data()));
      }
    }
    Path bad = dir.resolve("tampered.safetensors");
    Safetensors.write(bad, tampered, Map.of());
    for (String command : List.of("validate", "run")) {
      BrokenSuitesTest.Result r = BrokenSuitesTest.cli(command, suite(dir, bad).toString(), "--out", dir.resolve("out").toString());
      if (command.equals("validate")) {
        r = BrokenSuitesTest.cli(command, suite(dir, bad).toString());
      }
      assertThat(r.exit()).as(command + ": " + r.out() + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("models[0].params (mt)").contains("3 mismatch(es)").contains("unexpected TF.encoding_block.norm.gamma")
          .contains("missing TF.encoding_block.norm.alpha").contains("encoding.fc.bias has shape [15], the model needs [16]");
    }
    assertThat(dir.resolve("out/results.jsonl")).as("nothing ran").doesNotExist();
  }
}
