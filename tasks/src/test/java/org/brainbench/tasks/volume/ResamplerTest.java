package org.brainbench.tasks.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Resampling identities in world coordinates. */
@ExtendWith(Cases.NameFailures.class)
class ResamplerTest {
  static final Affine SOURCE = Affine.of(new double[][] {{2, 0, 0, -20}, {0, 2.5, 0, -30}, {0, 0, 3, -15}});
  static final Grid SOURCE_GRID = new Grid(20, 24, 12, SOURCE);

  /** A linear function of world position, which trilinear interpolation reproduces exactly. */
  static double linear(double[] w) {
    return 3 * w[0] - 2 * w[1] + 0.5 * w[2] + 7;
  }

  static Volume linearVolume(Grid g) {
    float[] data = new float[g.voxelCount()];
    double[] w = new double[3];
    for (int k = 0, i = 0; k < g.nz(); k++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int x = 0; x < g.nx(); x++, i++) {
          g.affine().apply(x, j, k, w);
          data[i] = (float) linear(w);
        }
      }
    }
    return Volume.of(g, data);
  }

  @Test
  void sameGridIsIdentity() {
    Volume v = randomVolume(SOURCE_GRID, 3);
    assertThat(Resampler.resample(v, SOURCE_GRID, Interpolation.LINEAR).channel(0)).containsExactly(v.channel(0));
    assertThat(Resampler.resample(v, SOURCE_GRID, Interpolation.NEAREST).channel(0)).containsExactly(v.channel(0));
  }

  @Test
  void aShiftedGridOfWholeVoxelsIsACrop() {
    Volume v = randomVolume(SOURCE_GRID, 4);
    Grid shifted = new Grid(10, 10, 5, SOURCE.multiply(Affine.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {3, 4, 2})));
    Volume r = Resampler.resample(v, shifted, Interpolation.LINEAR);
    assertThat(r.get(0, 0, 0, 0)).isEqualTo(v.get(0, 3, 4, 2));
    assertThat(r.get(0, 9, 9, 4)).isEqualTo(v.get(0, 12, 13, 6));
  }

  /** (angle in [-0.6, 0.6], spacing in [0.7, 3], n in [2, 8]): the ends of every range, then random ones. */
  static Stream<Arguments> resamplingCases() {
    List<Object[]> edges = new ArrayList<>();
    for (double angle : new double[] {-0.6, 0, 0.6}) {
      for (double spacing : new double[] {0.7, 3}) {
        for (int n : new int[] {2, 8}) {
          edges.add(Cases.args(angle, spacing, n));
        }
      }
    }
    return Cases.of(0x2E5A_0001L, 200, edges,
        r -> Cases.args(Cases.decimal(r, -0.6, 0.6), Cases.decimal(r, 0.7, 3), Cases.between(r, 2, 8)));
  }

  /** Any target grid inside the source, rotated and scaled: a linear field is reproduced. */
  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("resamplingCases")
  void linearFieldsSurviveAnyResampling(double angle, double spacing, int n) {
    Volume source = linearVolume(SOURCE_GRID);
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    double[] lin = {c * spacing, -s * spacing, 0, s * spacing, c * spacing, 0, 0, 0, spacing};
    double[] centre = SOURCE_GRID.center();
    double half = (n - 1) / 2.0;
    double[] t = {centre[0] - (lin[0] + lin[1]) * half, centre[1] - (lin[3] + lin[4]) * half, centre[2] - lin[8] * half};
    Grid target = new Grid(n, n, n, Affine.of(lin, t));
    Volume r = Resampler.resample(source, target, Interpolation.LINEAR);
    double[] w = new double[3];
    for (int k = 0, i = 0; k < n; k++) {
      for (int j = 0; j < n; j++) {
        for (int x = 0; x < n; x++, i++) {
          target.affine().apply(x, j, k, w);
          assertThat((double) r.channel(0)[i]).isCloseTo(linear(w), within(1e-2));
        }
      }
    }
  }

  @Test
  void nearestKeepsTheLabelSet() {
    Random random = new Random(5);
    float[] labels = new float[SOURCE_GRID.voxelCount()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = new float[] {0, 1, 2, 4}[random.nextInt(4)];
    }
    Volume v = Volume.of(SOURCE_GRID, labels);
    Volume r = Resampler.resample(v, SOURCE_GRID.withSpacing(new double[] {1.3, 1.7, 2.2}), Interpolation.NEAREST);
    Set<Float> values = new HashSet<>();
    for (float f : r.channel(0)) {
      values.add(f);
    }
    assertThat(values).isSubsetOf(0f, 1f, 2f, 4f);
  }

  @Test
  void pointsFarOutsideGetTheFillValue() {
    Volume v = randomVolume(SOURCE_GRID, 1);
    Grid far = new Grid(2, 2, 2, Affine.of(new double[][] {{1, 0, 0, 1000}, {0, 1, 0, 0}, {0, 0, 1, 0}}));
    assertThat(Resampler.resample(v, far, Interpolation.LINEAR, -1f).channel(0)).containsOnly(-1f);
  }

  @Test
  void sameFieldOfViewAtOtherVoxelSizesKeepsTheCentre() {
    Grid g = SOURCE_GRID.withSpacing(new double[] {1, 1, 1});
    assertThat(g.shape()).containsExactly(40, 60, 36);
    assertThat(g.center()).containsExactly(SOURCE_GRID.center(), within(1e-9));
    Grid h = SOURCE_GRID.withShape(new int[] {10, 12, 6});
    assertThat(h.spacing()).containsExactly(new double[] {4, 5, 6}, within(1e-12));
    assertThat(h.center()).containsExactly(SOURCE_GRID.center(), within(1e-9));
  }

  static Volume randomVolume(Grid g, long seed) {
    Random r = new Random(seed);
    float[] d = new float[g.voxelCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextGaussian();
    }
    return Volume.of(g, d);
  }
}
