package org.brainbench.tasks.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Orientation;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class PreprocessorTest {
  /** Geometry only: no clipping, no normalisation. */
  private static PreprocessSpec geometry(boolean reorient, double[] spacing, int[] shape, int[] cropPad) {
    return new PreprocessSpec(reorient, spacing, shape, cropPad, null, Normalization.NONE);
  }

  /** Voxel values that say where they came from: 1 + i + 10 j + 100 k. */
  private static Volume indexed(Grid g) {
    float[] data = new float[g.voxelCount()];
    for (int k = 0; k < g.nz(); k++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int i = 0; i < g.nx(); i++) {
          data[g.index(i, j, k)] = 1 + i + 10 * j + 100 * k;
        }
      }
    }
    return Volume.of(g, data);
  }

  /**
   * Every voxel of {@code out} holds the value of the source voxel at the same world point, or
   * {@code outside} where that point is not a source voxel.
   */
  private static void assertSameWorldValues(Volume source, Volume out, float outside) {
    Affine toSource = source.affine().inverse().multiply(out.affine());
    Grid g = out.grid();
    for (int k = 0; k < g.nz(); k++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int i = 0; i < g.nx(); i++) {
          double[] p = toSource.apply(i, j, k);
          long[] v = new long[3];
          for (int a = 0; a < 3; a++) {
            v[a] = Math.round(p[a]);
            assertThat(p[a]).as("voxel centres coincide").isCloseTo(v[a], within(1e-6));
          }
          boolean inside = v[0] >= 0 && v[1] >= 0 && v[2] >= 0
              && v[0] < source.grid().nx() && v[1] < source.grid().ny() && v[2] < source.grid().nz();
          for (int c = 0; c < out.channelCount(); c++) {
            float expected = inside ? source.get(c, (int) v[0], (int) v[1], (int) v[2]) : outside;
            assertThat(out.get(c, i, j, k)).as("channel %d voxel (%d, %d, %d)", c, i, j, k).isEqualTo(expected);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- reorientation

  @Test
  void anLpsVolumeBecomesRasWithTheSameVoxelsInTheWorld() {
    Affine lps = Affine.of(new double[] {-2, 0, 0, 0, -1, 0, 0, 0, 3}, new double[] {10, 20, -5});
    Volume v = indexed(new Grid(2, 3, 4, lps));
    assertThat(Orientation.of(lps).code()).isEqualTo("LPS");

    Volume out = Preprocessor.image(v, geometry(true, null, null, null));

    assertThat(Orientation.of(out.affine()).code()).isEqualTo("RAS");
    assertThat(out.shape()).containsExactly(2, 3, 4);
    // x and y flip: the last voxel along each becomes the first
    assertThat(out.affine().maxAbsDifference(Affine.of(new double[] {2, 0, 0, 0, 1, 0, 0, 0, 3}, new double[] {8, 18, -5})))
        .as("affine %s", out.affine()).isZero();
    assertThat(out.get(0, 0, 0, 0)).isEqualTo(v.get(0, 1, 2, 0));
    assertThat(out.get(0, 1, 2, 3)).isEqualTo(v.get(0, 0, 0, 3));
    assertSameWorldValues(v, out, Float.NaN);
  }

  @Test
  void withoutReorientationTheVolumeIsUntouched() {
    Affine lps = Affine.diagonal(-1, -1, 1);
    Volume v = indexed(new Grid(3, 3, 3, lps));

    Volume out = Preprocessor.image(v, geometry(false, null, null, null));

    assertThat(out).isEqualTo(v);
    assertThat(Preprocessor.labels(v, geometry(false, null, null, null))).isEqualTo(v);
  }

  private static final int[][] PERMUTATIONS = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  private static final Double[] SIZES = {0.5, 1.0, 1.5, 2.0, 3.0};

  /** Voxel axis c runs along world axis perm[c], flipped where bit c of {@code flips} is set. */
  private static Affine axisAligned(int[] perm, int flips, double[] sizes, double[] origin) {
    double[] lin = new double[9];
    for (int c = 0; c < 3; c++) {
      lin[3 * perm[c] + c] = ((flips >> c) & 1) == 1 ? -sizes[c] : sizes[c];
    }
    return Affine.of(lin, origin.clone());
  }

  /** Any of the 48 signed axis permutations, with voxel sizes of 0.5 to 3 and an origin in [-100, 100]. */
  private static Affine axisAlignedAffine(Random r) {
    double[] sizes = new double[3];
    double[] origin = new double[3];
    for (int a = 0; a < 3; a++) {
      sizes[a] = Cases.oneOf(r, SIZES);
      origin[a] = Cases.decimal(r, -100, 100);
    }
    return axisAligned(Cases.oneOf(r, PERMUTATIONS), r.nextInt(8), sizes, origin);
  }

  /**
   * (affine, nx, ny, nz in [1, 5]): each of the 48 signed axis permutations on a 2x3x4 grid, the
   * smallest and largest grids, then random ones.
   */
  static Stream<Arguments> reorientationCases() {
    List<Object[]> edges = new ArrayList<>();
    for (int[] perm : PERMUTATIONS) {
      for (int flips = 0; flips < 8; flips++) {
        edges.add(Cases.args(axisAligned(perm, flips, new double[] {0.5, 1.5, 3}, new double[] {-100, 0, 100}), 2, 3, 4));
      }
    }
    edges.add(Cases.args(axisAligned(PERMUTATIONS[0], 0, new double[] {1, 1, 1}, new double[3]), 1, 1, 1));
    edges.add(Cases.args(axisAligned(PERMUTATIONS[5], 7, new double[] {3, 3, 3}, new double[] {100, 100, 100}), 5, 5, 5));
    edges.add(Cases.args(axisAligned(PERMUTATIONS[3], 5, new double[] {0.5, 2, 1}, new double[] {-100, -100, -100}), 1, 5, 1));
    return Cases.of(0x9E9E_0001L, 200, edges,
        r -> Cases.args(axisAlignedAffine(r), Cases.between(r, 1, 5), Cases.between(r, 1, 5), Cases.between(r, 1, 5)));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("reorientationCases")
  void reorientationGivesRasForEveryAxisOrder(Affine affine, int nx, int ny, int nz) {
    Volume v = indexed(new Grid(nx, ny, nz, affine));

    Volume out = Preprocessor.image(v, geometry(true, null, null, null));

    assertThat(Orientation.of(out.affine()).isCanonical()).as("orientation of %s", out.affine()).isTrue();
    double[] lin = out.affine().linear();
    assertThat(lin[0]).isPositive();
    assertThat(lin[4]).isPositive();
    assertThat(lin[8]).isPositive();
    int[] sortedIn = {nx, ny, nz};
    int[] sortedOut = out.shape();
    Arrays.sort(sortedIn);
    Arrays.sort(sortedOut);
    assertThat(sortedOut).containsExactly(sortedIn);
    assertSameWorldValues(v, out, Float.NaN);
    // labels follow the same geometry
    Volume labels = Preprocessor.labels(v, geometry(true, null, null, null));
    assertThat(labels).isEqualTo(out);
  }

  // ---------------------------------------------------------------- resampling

  @Test
  void resamplingToAShapeKeepsTheFieldOfViewAndInterpolatesLinearly() {
    // 4 voxels of 2 mm along each axis; the value is the world x coordinate
    Grid g = new Grid(4, 4, 4, Affine.diagonal(2, 2, 2));
    float[] data = new float[g.voxelCount()];
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 4; j++) {
        for (int i = 0; i < 4; i++) {
          data[g.index(i, j, k)] = 2 * i;
        }
      }
    }
    Volume v = Volume.of(g, data);

    Volume out = Preprocessor.image(v, geometry(false, null, new int[] {8, 8, 8}, null));

    assertThat(out.shape()).containsExactly(8, 8, 8);
    assertThat(out.spacing()).containsExactly(new double[] {1, 1, 1}, within(1e-12));
    assertThat(out.grid().center()).containsExactly(g.center(), within(1e-9));
    for (int k = 0; k < 8; k++) {
      for (int j = 0; j < 8; j++) {
        for (int i = 0; i < 8; i++) {
          double x = out.affine().apply(i, j, k)[0];
          // linear inside, the edge value within half a source voxel of the edge
          assertThat((double) out.get(0, i, j, k)).isCloseTo(Math.max(0, Math.min(6, x)), within(1e-5));
        }
      }
    }
    assertThat(Preprocessor.targetGrid(g, geometry(false, null, new int[] {8, 8, 8}, null))).isEqualTo(out.grid());
  }

  @Test
  void resamplingToASpacingRoundsToWholeVoxels() {
    Grid g = new Grid(4, 4, 4, Affine.diagonal(1, 1, 1));
    Volume v = indexed(g);

    Volume coarse = Preprocessor.image(v, geometry(false, new double[] {2, 2, 2}, null, null));
    Volume mixed = Preprocessor.image(v, geometry(false, new double[] {0.5, 1, 4}, null, null));
    Volume same = Preprocessor.image(v, geometry(false, new double[] {1, 1, 1}, null, null));

    assertThat(coarse.shape()).containsExactly(2, 2, 2);
    assertThat(coarse.spacing()).containsExactly(new double[] {2, 2, 2}, within(1e-12));
    assertThat(mixed.shape()).containsExactly(8, 4, 1);
    assertThat(mixed.spacing()).containsExactly(new double[] {0.5, 1, 4}, within(1e-12));
    assertThat(mixed.grid().center()).containsExactly(g.center(), within(1e-9));
    assertThat(same).isEqualTo(v);
  }

  @Test
  void anImageAndItsLabelsEndOnTheSameGrid() {
    Affine lps = Affine.of(new double[] {-1.2, 0, 0, 0, -1.2, 0, 0, 0, 2}, new double[] {30, 40, 50});
    Grid g = new Grid(5, 6, 3, lps);
    PreprocessSpec spec = new PreprocessSpec(true, null, new int[] {7, 7, 4}, new int[] {8, 6, 4}, new double[] {1, 99}, Normalization.ZSCORE);

    Volume image = Preprocessor.image(indexed(g), spec);
    Volume labels = Preprocessor.labels(indexed(g), spec);

    assertThat(image.grid()).isEqualTo(labels.grid());
    assertThat(Preprocessor.targetGrid(g, spec)).isEqualTo(image.grid());
    assertThat(image.shape()).containsExactly(8, 6, 4);
  }

  // ---------------------------------------------------------------- crop / pad

  @Test
  void cropPadKeepsTheCentreAndMovesTheAffineWithTheVoxels() {
    Grid g = new Grid(4, 4, 4, Affine.of(new double[] {1, 0, 0, 0, 2, 0, 0, 0, 1}, new double[] {-3, 5, 7}));
    Volume v = indexed(g);

    Volume out = Preprocessor.image(v, geometry(false, null, null, new int[] {6, 2, 4}));

    assertThat(out.shape()).containsExactly(6, 2, 4);
    // x grows by 2: one voxel of padding before; y shrinks by 2: one voxel cut at its start
    assertThat(out.affine().translation()).containsExactly(new double[] {-4, 7, 7}, within(1e-12));
    assertThat(out.get(0, 0, 0, 0)).isZero();
    assertThat(out.get(0, 5, 0, 0)).isZero();
    assertThat(out.get(0, 1, 0, 0)).isEqualTo(v.get(0, 0, 1, 0));
    assertSameWorldValues(v, out, 0f);
  }

  @Test
  void cropPadByAnOddAmountPadsAsDocumented() {
    Volume v = indexed(new Grid(4, 4, 4, Affine.identity()));

    Volume out = Preprocessor.image(v, geometry(false, null, null, new int[] {7, 1, 4}));

    // grows by 3 along x: floor(3/2) = 1 voxel of padding at the start, 2 at the end
    assertThat(out.affine().translation()[0]).isEqualTo(-1.0);
    assertThat(out.get(0, 1, 0, 0)).isEqualTo(v.get(0, 0, 1, 0));
    // shrinks by 3 along y: floor(3/2) = 1 voxel cut at the start
    assertThat(out.affine().translation()[1]).isEqualTo(1.0);
  }

  // ---------------------------------------------------------------- intensities

  /** A 4x4x4 volume with zero background and random foreground (seeded), occupancy about 60%. */
  private static Volume brainLike(long seed, int channels) {
    Random r = new Random(seed);
    Grid g = new Grid(4, 4, 4, Affine.diagonal(1, 1, 1));
    float[][] ch = new float[channels][g.voxelCount()];
    for (int i = 0; i < g.voxelCount(); i++) {
      boolean brain = r.nextDouble() < 0.6;
      for (int c = 0; c < channels; c++) {
        ch[c][i] = brain ? (float) (50 + 400 * r.nextDouble() * (c + 1)) : 0f;
      }
    }
    return new Volume(g, ch);
  }

  private static double[] meanSd(float[] data, boolean[] mask) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < data.length; i++) {
      if (mask[i]) {
        sum += data[i];
        n++;
      }
    }
    double mean = sum / n;
    double ss = 0;
    for (int i = 0; i < data.length; i++) {
      if (mask[i]) {
        ss += (data[i] - mean) * (data[i] - mean);
      }
    }
    return new double[] {mean, Math.sqrt(ss / n)};
  }

  private static boolean[] nonZero(Volume v) {
    boolean[] m = new boolean[v.grid().voxelCount()];
    for (int i = 0; i < m.length; i++) {
      m[i] = true;
      for (float[] ch : v.channels()) {
        m[i] &= ch[i] != 0;
      }
    }
    return m;
  }

  /** (seed, clip, channels in [1, 3]). */
  static Stream<Arguments> zScoreCases() {
    List<Object[]> edges = new ArrayList<>();
    for (int i = 0; i < Cases.EDGE_LONGS.length; i++) {
      edges.add(Cases.args(Cases.EDGE_LONGS[i], i % 2 == 0, 1 + i % 3));
    }
    return Cases.of(0x9E9E_0002L, 200, edges, r -> Cases.args(r.nextLong(), r.nextBoolean(), Cases.between(r, 1, 3)));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("zScoreCases")
  void zScoreInsideTheNonZeroMaskHasMeanZeroAndUnitSd(long seed, boolean clip, int channels) {
    Volume v = brainLike(seed, channels);
    boolean[] mask = nonZero(v);
    int inside = 0;
    for (boolean m : mask) {
      inside += m ? 1 : 0;
    }
    assumeTrue(inside >= 2, "at least two foreground voxels");
    PreprocessSpec spec = new PreprocessSpec(false, null, null, null, clip ? new double[] {0.5, 99.5} : null, Normalization.ZSCORE);

    Volume out = Preprocessor.image(v, spec);

    for (int c = 0; c < channels; c++) {
      double[] ms = meanSd(out.channel(c), mask);
      assertThat(ms[0]).as("mean of channel %d", c).isCloseTo(0, within(1e-5));
      assertThat(ms[1]).as("sd of channel %d", c).isCloseTo(1, within(1e-4));
      for (int i = 0; i < mask.length; i++) {
        if (!mask[i]) {
          assertThat(out.channel(c)[i]).as("background voxel %d", i).isZero();
        }
      }
    }
    // the input is not changed in place
    assertThat(v).isEqualTo(brainLike(seed, channels));
  }

  @Test
  void theMaskIsTheVoxelsNonZeroInEveryChannel() {
    Grid g = new Grid(2, 2, 1, Affine.identity());
    Volume v = new Volume(g, new float[][] {{1, 2, 3, 4}, {5, 6, 0, 8}});

    Volume out = Preprocessor.image(v, new PreprocessSpec(false, null, null, null, null, Normalization.ZSCORE));

    // voxel 2 is background because channel 1 is zero there
    assertThat(out.channel(0)[2]).isZero();
    assertThat(out.channel(1)[2]).isZero();
    // channel 0 over {1, 2, 4}: mean 7/3
    double sd = Math.sqrt(((1 - 7 / 3.0) * (1 - 7 / 3.0) + (2 - 7 / 3.0) * (2 - 7 / 3.0) + (4 - 7 / 3.0) * (4 - 7 / 3.0)) / 3);
    assertThat((double) out.channel(0)[0]).isCloseTo((1 - 7 / 3.0) / sd, within(1e-6));
  }

  @Test
  void minMaxMapsTheMaskToZeroOne() {
    Volume v = brainLike(3, 2);
    boolean[] mask = nonZero(v);

    Volume out = Preprocessor.image(v, new PreprocessSpec(false, null, null, null, null, Normalization.MINMAX));

    for (int c = 0; c < 2; c++) {
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (int i = 0; i < mask.length; i++) {
        float x = out.channel(c)[i];
        if (mask[i]) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        } else {
          assertThat(x).isZero();
        }
      }
      assertThat(min).isZero();
      assertThat(max).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void clippingLimitsOutliersToThePercentiles() {
    Grid g = new Grid(101, 1, 1, Affine.identity());
    float[] data = new float[101];
    for (int i = 0; i < 101; i++) {
      data[i] = i + 1;
    }
    data[100] = 1e6f;

    Volume out = Preprocessor.image(Volume.of(g, data), new PreprocessSpec(false, null, null, null, new double[] {1, 99}, Normalization.NONE));

    // numpy: percentile(values, 1) = 2, percentile(values, 99) = 100
    assertThat(out.channel(0)[0]).isEqualTo(2f);
    assertThat(out.channel(0)[100]).isEqualTo(100f);
    assertThat(out.channel(0)[50]).isEqualTo(51f);
  }

  // ---------------------------------------------------------------- label maps

  private static final float[] LABELS = {0f, 1f, 2f, 4f};

  /** A 5x4x3 label map of 0, 1, 2 and 4. */
  private static float[] labelValues(Random r) {
    float[] values = new float[5 * 4 * 3];
    for (int i = 0; i < values.length; i++) {
      values[i] = LABELS[r.nextInt(LABELS.length)];
    }
    return values;
  }

  /** (label values, affine, sx, sy, sz in [1, 9]): one label only, the smallest and largest shapes, then random ones. */
  static Stream<Arguments> labelResamplingCases() {
    List<Object[]> edges = new ArrayList<>();
    float[] cycling = new float[5 * 4 * 3];
    for (int i = 0; i < cycling.length; i++) {
      cycling[i] = LABELS[i % LABELS.length];
    }
    Affine identity = axisAligned(PERMUTATIONS[0], 0, new double[] {1, 1, 1}, new double[3]);
    Affine flipped = axisAligned(PERMUTATIONS[4], 6, new double[] {0.5, 3, 1.5}, new double[] {100, -100, 0});
    edges.add(Cases.args(new float[5 * 4 * 3], identity, 1, 1, 1));
    float[] fours = new float[5 * 4 * 3];
    Arrays.fill(fours, 4f);
    edges.add(Cases.args(fours, flipped, 9, 9, 9));
    edges.add(Cases.args(cycling.clone(), identity, 9, 9, 9));
    edges.add(Cases.args(cycling.clone(), flipped, 1, 1, 1));
    edges.add(Cases.args(cycling.clone(), flipped, 1, 9, 1));
    edges.add(Cases.args(cycling.clone(), identity, 9, 1, 9));
    return Cases.of(0x9E9E_0003L, 200, edges, r -> Cases.args(labelValues(r), axisAlignedAffine(r),
        Cases.between(r, 1, 9), Cases.between(r, 1, 9), Cases.between(r, 1, 9)));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("labelResamplingCases")
  void nearestResamplingKeepsOnlyTheOriginalLabels(float[] values, Affine affine, int sx, int sy, int sz) {
    Volume labels = Volume.of(new Grid(5, 4, 3, affine), values);
    PreprocessSpec spec = new PreprocessSpec(true, null, new int[] {sx, sy, sz}, null, new double[] {1, 99}, Normalization.ZSCORE);

    Volume out = Preprocessor.labels(labels, spec);

    Set<Float> before = new TreeSet<>();
    for (float x : values) {
      before.add(x);
    }
    Set<Float> after = new TreeSet<>();
    for (float x : out.channel(0)) {
      after.add(x);
    }
    assertThat(out.shape()).containsExactly(sx, sy, sz);
    assertThat(before).containsAll(after);
    assertThat(out.grid()).isEqualTo(Preprocessor.targetGrid(labels.grid(), spec));
  }

  @Test
  void labelsAreNotNormalised() {
    float[] values = new float[4 * 4 * 4];
    List<Float> pool = new ArrayList<>(List.of(0f, 1f, 2f, 4f));
    for (int i = 0; i < values.length; i++) {
      Collections.rotate(pool, 1);
      values[i] = pool.get(0);
    }
    Volume labels = Volume.of(new Grid(4, 4, 4, Affine.identity()), values);

    assertThat(Preprocessor.labels(labels, PreprocessSpec.toShape(4, 4, 4)).channel(0)).containsExactly(values);
  }

  // ---------------------------------------------------------------- the spec

  @Test
  void specValidatesItsSettingsAndHasACanonicalKey() {
    assertThatThrownBy(() -> new PreprocessSpec(true, new double[] {1, 1, 1}, new int[] {2, 2, 2}, null, null, null)).hasMessageContaining("not both");
    assertThatThrownBy(() -> new PreprocessSpec(true, new double[] {1, 0, 1}, null, null, null, null)).hasMessageContaining("spacing");
    assertThatThrownBy(() -> new PreprocessSpec(true, null, new int[] {2, 2}, null, null, null)).hasMessageContaining("shape");
    assertThatThrownBy(() -> new PreprocessSpec(true, null, null, new int[] {0, 2, 2}, null, null)).hasMessageContaining("cropPad");
    assertThatThrownBy(() -> new PreprocessSpec(true, null, null, null, new double[] {50, 50}, null)).hasMessageContaining("clip");
    PreprocessSpec a = new PreprocessSpec(true, null, new int[] {2, 2, 2}, null, null, null);
    int[] shape = {2, 2, 2};
    PreprocessSpec b = new PreprocessSpec(true, null, shape, null, null, Normalization.ZSCORE);
    shape[0] = 9;
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.key()).isEqualTo(b.key()).contains("v" + PreprocessSpec.VERSION);
    assertThat(a.key()).isNotEqualTo(new PreprocessSpec(false, null, new int[] {2, 2, 2}, null, null, null).key());
    assertThat(Normalization.fromId("minmax")).isEqualTo(Normalization.MINMAX);
  }
}
