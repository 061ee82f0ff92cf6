package org.brainbench.api.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.PatchInflation;
import org.junit.jupiter.api.Test;

/**
 * A 2D BEiT made into TransSeg's encoder as the authors' load_checkpoint does, checked against the
 * reference's fixture (tools/authors-reference/transseg.py, itself checked bit-equal against their
 * code): the patch kernel's centring and averaging, and the relative-position table resized from a
 * 4x4 grid to the fixture's 5x5.
 */
class BeitInflationTest {
  private static final Path FIXTURE = Path.of("../../tools/authors-reference/fixtures/inflated-vit-zhang2022-tiny");

  @Test
  void inflatesThePatchKernelAndResizesTheTableAsTheAuthors() throws IOException {
    Map<String, Tensor> in = Safetensors.read(FIXTURE.resolve("inputs.safetensors")).byName();
    Map<String, Tensor> out = Safetensors.read(FIXTURE.resolve("outputs.safetensors")).byName();
    Tensor kernel = in.get("inflation.kernel_2d"); // (8, 3, 8, 8)
    long[] k = kernel.shape();
    for (PatchInflation mode : PatchInflation.values()) {
      float[] mine = BeitInflation.inflatePatchKernel(kernel.data(), (int) k[0], (int) k[1], (int) k[2], 2, 5, mode);
      float[] theirs = out.get("inflation." + mode.id()).data();
      assertThat(mine).as(mode.id()).hasSize(theirs.length);
      for (int i = 0; i < mine.length; i++) {
        assertThat(mine[i]).as("%s %d", mode.id(), i).isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-7f));
      }
    }
    Tensor table = in.get("relpos.table_2d"); // (52, 2): a 4x4 grid
    float[] resized = BeitInflation.resizeTable(table.data(), (int) table.shape()[0], (int) table.shape()[1], 5, 5);
    float[] theirs = out.get("relpos.table_resized").data(); // (84, 2)
    assertThat(resized).hasSize(theirs.length);
    for (int i = 0; i < resized.length; i++) {
      assertThat(resized[i]).as("row %d head %d", i / 2, i % 2).isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @Test
  void namesEverythingUnderTheEncoderAndLeavesOutWhatTransSegLacks() {
    List<Tensor> beit = List.of(new Tensor("patch_embed.proj.weight", new long[] {2, 3, 4, 4}, new float[96]),
        new Tensor("cls_token", new long[] {1, 1, 2}, new float[2]), new Tensor("head.weight", new long[] {10, 2}, new float[20]),
        new Tensor("fc_norm.weight", new long[] {2}, new float[2]), new Tensor("rel_pos_bias.relative_position_bias_table", new long[] {12, 1}, new float[12]),
        new Tensor("rel_pos_bias.relative_position_index", new long[] {10, 10}, new float[100]));
    List<Tensor> mapped = BeitInflation.toTransSeg(beit, 1, 3, PatchInflation.CENTERING, new int[] {2, 2}, 2);
    assertThat(mapped).extracting(Tensor::name).containsExactly("encoder.patch_embed.proj.weight", "encoder.cls_token",
        "encoder.blocks.0.attn.relative_position_bias_table", "encoder.blocks.1.attn.relative_position_bias_table");
    assertThat(mapped.get(0).shape()).containsExactly(2, 1, 3, 4, 4);
    assertThat(mapped.get(2).shape()).as("a 2x2 grid's table (3x3 offsets and 3 rows) is already the size the model needs").containsExactly(12, 1);
    assertThatThrownBy(() -> BeitInflation.resizeTable(new float[52], 52, 1, 4, 5)).hasMessageContaining("square");
  }
}
