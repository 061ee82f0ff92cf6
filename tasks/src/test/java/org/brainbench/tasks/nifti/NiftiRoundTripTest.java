package org.brainbench.tasks.nifti;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every readable datatype, both byte orders, both header formats, gzipped or not, any rank. */
@ExtendWith(Cases.NameFailures.class)
class NiftiRoundTripTest {

  record Case(NiftiFormat format, ByteOrder order, NiftiDatatype type, boolean gzip, int[] shape, double slope, double inter) {
    @Override
    public String toString() {
      return format + " " + order + " " + type + (gzip ? " gz " : " ") + Arrays.toString(shape) + " slope " + slope + " inter " + inter;
    }
  }

  private static final NiftiDatatype[] TYPES = Arrays.stream(NiftiDatatype.values()).filter(NiftiDatatype::isReadable).toArray(NiftiDatatype[]::new);
  private static final ByteOrder[] ORDERS = {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN};
  /** (scl_slope, scl_inter) pairs: identity, slope 0 and NaN (both mean unscaled), and real scalings. */
  private static final double[][] SCALINGS = {{1, 0}, {0, 5}, {Double.NaN, 3}, {2.5, -10}, {-0.5, 100}, {0.1, 0}};

  /** A shape of rank 1 to 7, with 1 to 9 voxels along each axis up to rank 3 and 1 to 3 beyond. */
  private static int[] shape(Random r) {
    int rank = Cases.between(r, 1, 7);
    int[] shape = new int[rank];
    for (int a = 0; a < rank; a++) {
      shape[a] = Cases.between(r, 1, rank <= 3 ? 9 : 3);
    }
    return shape;
  }

  /**
   * (case, data seed in [0, 1000000]): every readable datatype once with the smallest and largest
   * shapes of each rank, every scaling, both formats, byte orders and compressions, then random ones.
   */
  static Stream<Arguments> cases() {
    int[][] shapes = {{1}, {9, 9, 9}, {3, 3, 3, 3, 3, 3, 3}, {1, 1, 1, 1, 1, 1, 1}, {9}, {2, 9}, {3, 1, 2, 1}};
    List<Object[]> edges = new ArrayList<>();
    for (int i = 0; i < TYPES.length; i++) {
      double[] sc = SCALINGS[i % SCALINGS.length];
      Case c = new Case(NiftiFormat.values()[i % 2], ORDERS[(i / 2) % 2], TYPES[i], i % 3 == 0, shapes[i % shapes.length], sc[0], sc[1]);
      edges.add(Cases.args(c, i % 2 == 0 ? 0 : 1_000_000));
    }
    return Cases.of(0x0F17_0001L, 300, edges, r -> {
      double[] sc = Cases.oneOf(r, SCALINGS);
      Case c = new Case(Cases.oneOf(r, NiftiFormat.values()), Cases.oneOf(r, ORDERS), Cases.oneOf(r, TYPES), r.nextBoolean(), shape(r), sc[0], sc[1]);
      return Cases.args(c, Cases.between(r, 0, 1_000_000));
    });
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("cases")
  void readsBackWhatWasStored(Case c, int seed) throws IOException {
    Path dir = Files.createTempDirectory("nifti-roundtrip");
    try {
      Path file = dir.resolve(c.gzip ? "x.nii.gz" : "x.nii");
      int n = Arrays.stream(c.shape).reduce(1, (a, b) -> a * b);
      double[] stored = values(c.type, n, new java.util.Random(seed));
      double[] expected = RawNifti.write(file, c.format, c.order, c.type, c.shape, stored, c.slope, c.inter);

      NiftiHeader h = NiftiReader.readHeader(file);
      assertThat(h.format()).isEqualTo(c.format);
      assertThat(h.byteOrder()).isEqualTo(c.order);
      assertThat(h.datatype()).isEqualTo(c.type);
      assertThat(h.shape()).containsExactly(Arrays.stream(c.shape).asLongStream().toArray());

      NiftiImage image = NiftiReader.read(file);
      for (int i = 0; i < n; i++) {
        assertThat(image.data()[i]).as("voxel %d", i).isEqualTo((float) expected[i]);
      }
      VoxelStatistics stats = NiftiReader.statistics(file);
      double min = Arrays.stream(expected).min().orElseThrow();
      double max = Arrays.stream(expected).max().orElseThrow();
      assertThat(stats.min()).isEqualTo(min);
      assertThat(stats.max()).isEqualTo(max);
      assertThat(stats.mean()).isCloseTo(Arrays.stream(expected).average().orElseThrow(), org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(max) + Math.abs(min))));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  /** Values spanning the type's range, extremes included. */
  private static double[] values(NiftiDatatype type, int n, java.util.Random r) {
    double lo;
    double hi;
    switch (type) {
      case UINT8 -> { lo = 0; hi = 255; }
      case INT8 -> { lo = -128; hi = 127; }
      case INT16 -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
      case UINT16 -> { lo = 0; hi = 65535; }
      case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
      case UINT32 -> { lo = 0; hi = 4294967295.0; }
      case INT64 -> { lo = -(double) (1L << 52); hi = (double) (1L << 52); }
      default -> { lo = -1e6; hi = 1e6; }
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i == 0 ? lo : i == 1 ? hi : Math.rint(lo + r.nextDouble() * (hi - lo));
      if (type == NiftiDatatype.FLOAT32 || type == NiftiDatatype.FLOAT64) {
        v[i] = i < 2 ? v[i] : lo + r.nextDouble() * (hi - lo);
      }
    }
    return v;
  }
}
