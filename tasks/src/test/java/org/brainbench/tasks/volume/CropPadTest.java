package org.brainbench.tasks.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CropPadTest {
  @Test
  void cropThenPadRestoresTheCentreAndKeepsWorldPositions() {
    Grid g = new Grid(8, 9, 10, Affine.of(new double[][] {{2, 0, 0, -8}, {0, 2, 0, -9}, {0, 0, 2, -10}}));
    Volume v = ResamplerTest.randomVolume(g, 11);
    Volume cropped = CropPad.centered(v, new int[] {4, 5, 6}, 0f);
    // same world position, same value
    double[] w = cropped.affine().apply(0, 0, 0);
    double[] src = g.affine().inverse().apply(w[0], w[1], w[2]);
    assertThat(cropped.get(0, 0, 0, 0)).isEqualTo(v.get(0, (int) Math.round(src[0]), (int) Math.round(src[1]), (int) Math.round(src[2])));
    Volume padded = CropPad.centered(cropped, new int[] {8, 9, 10}, -1f);
    assertThat(padded.affine().maxAbsDifference(g.affine())).isLessThan(1e-12);
    assertThat(padded.get(0, 0, 0, 0)).isEqualTo(-1f);
    assertThat(padded.get(0, 4, 4, 5)).isEqualTo(v.get(0, 4, 4, 5));
  }

  @Test
  void boundingBoxWithMargin() {
    Grid g = new Grid(10, 10, 10, Affine.identity());
    float[] mask = new float[g.voxelCount()];
    mask[g.index(3, 4, 5)] = 1;
    mask[g.index(6, 4, 7)] = 2;
    int[][] box = CropPad.boundingBox(g, mask, 1);
    assertThat(box[0]).containsExactly(2, 3, 4);
    assertThat(box[1]).containsExactly(6, 3, 5);
    assertThat(CropPad.boundingBox(g, new float[g.voxelCount()], 1)).isNull();
  }

  @Test
  void gaussianKeepsConstantsAndSmoothsSpikes() {
    Grid g = new Grid(9, 9, 9, Affine.diagonal(2, 2, 2));
    float[] constant = new float[g.voxelCount()];
    java.util.Arrays.fill(constant, 3f);
    for (float f : GaussianFilter.smooth(g, constant, new double[] {2, 2, 4})) {
      assertThat((double) f).isCloseTo(3, within(1e-5));
    }
    // far enough from the border that no kernel is cut: the mass of a spike is kept
    Grid big = new Grid(15, 15, 15, Affine.diagonal(2, 2, 2));
    float[] spike = new float[big.voxelCount()];
    spike[big.index(7, 7, 7)] = 1;
    float[] s = GaussianFilter.smooth(big, spike, new double[] {2, 2, 2});
    double sum = 0;
    for (float f : s) {
      sum += f;
    }
    assertThat(sum).isCloseTo(1, within(1e-4));
    assertThat(s[big.index(7, 7, 7)]).isLessThan(0.5f);
    assertThat(s[big.index(6, 7, 7)]).isCloseTo(s[big.index(8, 7, 7)], within(1e-7f));
  }
}
