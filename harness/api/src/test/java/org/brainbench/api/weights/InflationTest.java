package org.brainbench.api.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.TaskHead;
import org.junit.jupiter.api.Test;

/** The inflation rules, checked on their meaning rather than on their code. */
class InflationTest {
  static final int P = 4;
  static final int E = 3;

  static Inflation.Target target(InflatedVitSpec s) {
    return new Inflation.Target(s.dim(), s.patch(), s.inflation());
  }

  static InflatedVitSpec spec(String rule) {
    return new InflatedVitSpec(P, E, 1, 1, 2.0, 0, org.brainbench.api.model.Choice.fromId(org.brainbench.api.model.PatchInflation.class, rule), "", 0.5, 4);
  }

  static List<Tensor> vit2d(int channels, int grid, long seed) {
    Random r = new Random(seed);
    List<Tensor> t = new ArrayList<>();
    t.add(new Tensor("patch_embed.proj.weight", new long[] {E, channels, P, P}, random(r, E * channels * P * P)));
    t.add(new Tensor("patch_embed.proj.bias", new long[] {E}, random(r, E)));
    t.add(new Tensor("cls_token", new long[] {1, 1, E}, random(r, E)));
    t.add(new Tensor("pos_embed", new long[] {1, 1 + grid * grid, E}, random(r, (1 + grid * grid) * E)));
    t.add(new Tensor("blocks.0.norm1.weight", new long[] {E}, random(r, E)));
    t.add(new Tensor("head.weight", new long[] {1000, E}, random(r, 1000 * E)));
    return t;
  }

  static float[] random(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) r.nextGaussian();
    }
    return out;
  }

  static Tensor named(List<Tensor> ts, String name) {
    return ts.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  /** A 3D patch embedding from centering sees a volume exactly as the 2D one sees its middle slice. */
  @Test
  void centeringEmbedsTheMiddleSliceOfEachPatch() {
    List<Tensor> two = vit2d(1, 2, 1);
    TaskHead head = TaskHead.classify(1, new int[] {P, P, P}, 2);
    Tensor k3 = named(Inflation.inflate(two, target(spec("centering")), head), "patch_embed.proj.weight");
    float[] k2 = named(two, "patch_embed.proj.weight").data();
    float[] volume = random(new Random(9), P * P * P); // one patch, d-h-w order
    for (int o = 0; o < E; o++) {
      double out3 = 0;
      for (int i = 0; i < P * P * P; i++) {
        out3 += k3.data()[o * P * P * P + i] * volume[i];
      }
      double out2 = 0;
      for (int i = 0; i < P * P; i++) {
        out2 += k2[o * P * P + i] * volume[(P / 2) * P * P + i];
      }
      assertThat(out3).isCloseTo(out2, within(1e-5));
    }
  }

  /** Averaging: a volume that is the same slice repeated over depth gives the 2D embedding. */
  @Test
  void averagingGivesThe2dResponseOnVolumesConstantInDepth() {
    List<Tensor> two = vit2d(1, 2, 2);
    TaskHead head = TaskHead.classify(1, new int[] {P, P, P}, 2);
    Tensor k3 = named(Inflation.inflate(two, target(spec("averaging")), head), "patch_embed.proj.weight");
    float[] k2 = named(two, "patch_embed.proj.weight").data();
    float[] slice = random(new Random(3), P * P);
    for (int o = 0; o < E; o++) {
      double out3 = 0;
      for (int d = 0; d < P; d++) {
        for (int i = 0; i < P * P; i++) {
          out3 += k3.data()[o * P * P * P + d * P * P + i] * slice[i];
        }
      }
      double out2 = 0;
      for (int i = 0; i < P * P; i++) {
        out2 += k2[o * P * P + i] * slice[i];
      }
      assertThat(out3).isCloseTo(out2, within(1e-5));
    }
  }

  @Test
  void rgbKernelsAreSummedOrSpreadOverTheInputChannels() {
    float[] w = {1, 2, 3}; // one output, RGB, one tap
    assertThat(Inflation.adaptChannels(w, 1, 3, 1, 1)).containsExactly(6f);
    assertThat(Inflation.adaptChannels(w, 1, 3, 2, 1)).containsExactly(1.5f, 3f);
    assertThat(Inflation.adaptChannels(new float[] {4}, 1, 1, 2, 1)).containsExactly(2f, 2f);
    assertThat(Inflation.adaptChannels(w, 1, 3, 3, 1)).containsExactly(1f, 2f, 3f);
  }

  @Test
  void positionsKeepClsAndRepeatTheGridOverDepth() {
    List<Tensor> two = vit2d(1, 2, 4);
    TaskHead head = TaskHead.classify(1, new int[] {3 * P, 2 * P, 2 * P}, 2);
    Tensor pos = named(Inflation.inflate(two, target(spec("centering")), head), "pos_embed");
    float[] src = named(two, "pos_embed").data();
    assertThat(pos.shape()).containsExactly(1, 1 + 3 * 2 * 2, E);
    for (int k = 0; k < E; k++) {
      assertThat(pos.data()[k]).isEqualTo(src[k]);
    }
    for (int z = 0; z < 3; z++) {
      for (int t = 0; t < 4; t++) {
        for (int k = 0; k < E; k++) {
          assertThat(pos.data()[(1 + z * 4 + t) * E + k]).isEqualTo(src[(1 + t) * E + k]);
        }
      }
    }
  }

  @Test
  void positionsAreResizedBilinearlyToOtherGrids() {
    List<Tensor> two = vit2d(1, 2, 5);
    TaskHead head = TaskHead.classify(1, new int[] {P, 4 * P, 4 * P}, 2);
    Tensor pos = named(Inflation.inflate(two, target(spec("centering")), head), "pos_embed");
    float[] src = named(two, "pos_embed").data();
    // corners of a 2x2 -> 4x4 resize with half-pixel centres are the source corners
    assertThat(pos.data()[(1) * E]).isCloseTo(src[E], within(1e-6f));
    assertThat(pos.data()[(1 + 15) * E]).isCloseTo(src[4 * E], within(1e-6f));
    // an inner point is a blend of the four sources
    double expected = 0.5625 * src[E] + 0.1875 * src[2 * E] + 0.1875 * src[3 * E] + 0.0625 * src[4 * E];
    assertThat((double) pos.data()[(1 + 5) * E]).isCloseTo(expected, within(1e-5));
  }

  @Test
  void onlyTheTrunkIsCarriedOver() {
    List<String> names = Inflation.inflate(vit2d(1, 2, 6), target(spec("centering")), TaskHead.classify(1, new int[] {P, 2 * P, 2 * P}, 2))
        .stream().map(Tensor::name).toList();
    assertThat(names).contains("patch_embed.proj.weight", "cls_token", "pos_embed", "blocks.0.norm1.weight").doesNotContain("head.weight");
  }

  @Test
  void mismatchesAreListed() {
    List<Tensor> wrongDim = new ArrayList<>(vit2d(1, 2, 7));
    wrongDim.removeIf(t -> t.name().equals("cls_token"));
    assertThatThrownBy(() -> Inflation.inflate(wrongDim, target(spec("centering")), TaskHead.classify(1, new int[] {P, P, P}, 2)))
        .hasMessageContaining("missing cls_token");
    InflatedVitSpec other = new InflatedVitSpec(2 * P, E, 1, 1, 2.0, 0, org.brainbench.api.model.PatchInflation.CENTERING, "", 0.5, 4);
    assertThatThrownBy(() -> Inflation.inflate(vit2d(1, 2, 7), target(other), TaskHead.classify(1, new int[] {8, 8, 8}, 2)))
        .hasMessageContaining("patch 8");
  }
}
