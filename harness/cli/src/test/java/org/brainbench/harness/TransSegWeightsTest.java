package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TransSeg (inflated-vit, zhang2022) starts from a checkpoint of the authors' code ({@code weights})
 * or from a 2D BEiT it inflates ({@code beitWeights}), both checked before anything runs; a BEiT of
 * another width is refused with every mismatch listed and exit code 2.
 */
class TransSegWeightsTest {
  static final Path FIXTURE = Path.of("../../tools/authors-reference/fixtures/inflated-vit-zhang2022-tiny/weights.safetensors");

  /** The fixture's model (patch 8, dim 32, 5 blocks) on 40x40 axial slices: its 5x5 patch grid. */
  private static Path suite(Path dir, String weightsParam, Path weights) throws IOException {
    Path suite = dir.resolve("transseg-weights.yaml");
    Files.writeString(suite, """
        name: transseg-weights
        builtin: {shape: [40, 40, 8], subjects: 8, seed: 5}
        cache: cache
        datasets: {tumour: builtin:segment}
        preprocess: {shape: [40, 40, 8]}
        tasks:
          - {name: tumour, type: segment, dataset: tumour, labels: [1, 2, 4], split: {test: 0.25, validation: 0.25}}
        models:
          - name: transseg
            id: inflated-vit
            params: {protocol: zhang2022, patch: 8, window: 5, dim: 32, depth: 5, heads: 2, mlpDim: 128, taps: [0, 1, 2, 4], %s: %s}
        training: {epochs: 1, batchSize: 2}
        backends: [djl]
        """.formatted(weightsParam, weights.toAbsolutePath()));
    return suite;
  }

  /** A 2D BEiT as unilm saves it: the fixture's blocks without "encoder.", an RGB patch kernel, a 4x4 grid's tables, a classifier. */
  private static Path beit(Path dir, int dim) throws IOException {
    Random random = new Random(7);
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : Safetensors.read(FIXTURE).tensors()) {
      String n = t.name();
      if (!n.startsWith("encoder.") || n.endsWith("relative_position_index") || n.equals("encoder.patch_embed.proj.weight")) {
        continue;
      }
      if (n.endsWith("relative_position_bias_table")) {
        out.add(new Tensor(n.substring(8), new long[] {52, 2}, gaussian(random, 104)));
      } else if (dim != 32 && n.endsWith("attn.qkv.weight")) {
        out.add(new Tensor(n.substring(8), new long[] {3L * dim, dim}, gaussian(random, 3 * dim * dim)));
      } else {
        out.add(new Tensor(n.substring(8), t.shape(), t.data()));
      }
    }
    out.add(new Tensor("patch_embed.proj.weight", new long[] {32, 3, 8, 8}, gaussian(random, 32 * 3 * 64)));
    out.add(new Tensor("head.weight", new long[] {10, 32}, gaussian(random, 320)));
    out.add(new Tensor("fc_norm.weight", new long[] {32}, gaussian(random, 32)));
    Path file = dir.resolve("beit-" + dim + ".safetensors");
    Safetensors.write(file, out, Map.of());
    return file;
  }

  private static float[] gaussian(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (0.02 * random.nextGaussian());
    }
    return v;
  }

  @Test
  void theAuthorsCheckpointFitsTheirModel(@TempDir Path dir) throws IOException {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", suite(dir, "weights", FIXTURE).toString(), "--params");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
  }

  @Test
  void aBeitCheckpointIsInflatedAndTrainsFromThere(@TempDir Path dir) throws IOException {
    Path suite = suite(dir, "beitWeights", beit(dir, 32));
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode row = Json.mapper().readTree(Files.readAllLines(dir.resolve("out/results.jsonl")).get(0));
    assertThat(row.path("status").asText()).isEqualTo("ok");
    assertThat(row.path("init").toString()).contains("beit:");
  }

  @Test
  void aBeitOfAnotherWidthListsItsMismatchesAndExits2(@TempDir Path dir) throws IOException {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", suite(dir, "beitWeights", beit(dir, 16)).toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).contains("models[0].params (transseg)").contains("encoder.blocks.0.attn.qkv.weight has shape [48, 16], the model needs [96, 32]");
  }
}
