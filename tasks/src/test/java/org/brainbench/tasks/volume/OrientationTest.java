package org.brainbench.tasks.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class OrientationTest {
  @Test
  void codesOfKnownAffines() {
    assertThat(Orientation.of(Affine.diagonal(1, 1, 1)).code()).isEqualTo("RAS");
    assertThat(Orientation.of(Affine.diagonal(-1, 1, 1)).code()).isEqualTo("LAS");
    assertThat(Orientation.of(Affine.diagonal(-1, -1, 1)).code()).isEqualTo("LPS");
    // voxel axes: first along -y (posterior), second along -z (inferior), third along +x (right)
    Affine pir = Affine.of(new double[] {0, 0, 1, -1, 0, 0, 0, -1, 0}, new double[] {0, 0, 0});
    assertThat(Orientation.of(pir).code()).isEqualTo("PIR");
    // oblique by 20 degrees still has a nearest orientation
    double c = Math.cos(0.35);
    double s = Math.sin(0.35);
    assertThat(Orientation.of(Affine.of(new double[] {c, -s, 0, s, c, 0, 0, 0, 1}, new double[3])).code()).isEqualTo("RAS");
  }

  /** All 48 signed axis permutations: (permutation in [0, 5], flips in [0, 7]). */
  static Stream<Arguments> signedPermutations() {
    return IntStream.range(0, 6).boxed().flatMap(p -> IntStream.range(0, 8)
        .mapToObj(f -> Arguments.argumentSet("permutation " + p + ", flips " + f, p, f)));
  }

  /** Reorienting moves voxels, never values: every value stays at the same world position. */
  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("signedPermutations")
  void canonicalKeepsEveryValueInPlace(int permutation, int flips) {
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    int[] p = perms[permutation];
    double[] lin = new double[9];
    double[] sizes = {1.5, 2, 3};
    for (int v = 0; v < 3; v++) {
      double sign = ((flips >> v) & 1) == 1 ? -1 : 1;
      lin[3 * p[v] + v] = sign * sizes[v];
    }
    Grid g = new Grid(4, 5, 6, Affine.of(lin, new double[] {10, -20, 30}));
    Volume v = ResamplerTest.randomVolume(g, permutation * 8 + flips);
    Volume canon = Orientation.toCanonical(v);
    assertThat(Orientation.of(canon.affine()).code()).isEqualTo("RAS");
    Affine back = g.affine().inverse();
    double[] w = new double[3];
    double[] src = new double[3];
    for (int k = 0, i = 0; k < canon.grid().nz(); k++) {
      for (int j = 0; j < canon.grid().ny(); j++) {
        for (int x = 0; x < canon.grid().nx(); x++, i++) {
          canon.affine().apply(x, j, k, w);
          back.apply(w[0], w[1], w[2], src);
          int si = (int) Math.round(src[0]);
          int sj = (int) Math.round(src[1]);
          int sk = (int) Math.round(src[2]);
          assertThat(canon.channel(0)[i]).isEqualTo(v.get(0, si, sj, sk));
        }
      }
    }
  }
}
