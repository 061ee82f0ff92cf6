package org.brainbench.tasks.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.volume.Affine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class NiftiWriterTest {
  @TempDir Path dir;

  @Test
  void float32RoundTripsExactly() throws IOException {
    float[] data = randomFloats(4 * 5 * 6, 1);
    Affine affine = Affine.of(new double[][] {{-1.5, 0, 0, 30}, {0, 2, 0, -40}, {0, 0, 2.5, 12}});
    for (String name : new String[] {"a.nii.gz", "a.nii"}) {
      Path file = dir.resolve(name);
      NiftiWriter.write(file, new int[] {4, 5, 6}, data, affine, NiftiWriter.Options.float32());
      NiftiImage back = NiftiReader.read(file);
      assertThat(back.data()).containsExactly(data);
      assertThat(back.header().shape()).containsExactly(4, 5, 6);
      assertThat(back.header().affine().maxAbsDifference(affine)).isLessThan(1e-5);
      assertThat(back.header().format()).isEqualTo(NiftiFormat.NIFTI1);
    }
  }

  @Test
  void labelsAreStoredExactlyAndRejectedWhenTheyDoNotFit() throws IOException {
    float[] labels = {0, 1, 2, 4, 255, 0};
    Path file = dir.resolve("seg.nii.gz");
    NiftiWriter.write(file, new int[] {6}, labels, Affine.identity(), NiftiWriter.Options.labels());
    NiftiImage back = NiftiReader.read(file);
    assertThat(back.data()).containsExactly(labels);
    assertThat(back.header().datatype()).isEqualTo(NiftiDatatype.UINT8);

    assertThatThrownBy(() -> NiftiWriter.write(dir.resolve("bad.nii.gz"), new int[] {2}, new float[] {1, 256}, Affine.identity(), NiftiWriter.Options.labels()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    assertThatThrownBy(() -> NiftiWriter.write(dir.resolve("bad.nii.gz"), new int[] {2}, new float[] {1, 1.5f}, Affine.identity(), NiftiWriter.Options.labels()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir.resolve("bad.nii.gz")).doesNotExist();
  }

  @Test
  void scaledInt16KeepsValuesWithinHalfAStep() throws IOException {
    float[] data = randomFloats(1000, 7);
    Path file = dir.resolve("img.nii.gz");
    NiftiWriter.write(file, new int[] {10, 10, 10}, data, Affine.identity(), NiftiWriter.Options.scaledInt16());
    NiftiImage back = NiftiReader.read(file);
    double slope = back.header().sclSlope();
    assertThat(back.header().datatype()).isEqualTo(NiftiDatatype.INT16);
    for (int i = 0; i < data.length; i++) {
      assertThat((double) back.data()[i]).isCloseTo(data[i], within(slope * 0.5 + 1e-3));
    }
  }

  @Test
  void filesAppearAtomicallyWithoutLeftovers() throws IOException {
    Path file = dir.resolve("a.nii.gz");
    NiftiWriter.write(file, new int[] {2, 2, 2}, new float[8], Affine.identity(), NiftiWriter.Options.float32());
    NiftiWriter.write(file, new int[] {2, 2, 2}, new float[8], Affine.identity(), NiftiWriter.Options.float32());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("a.nii.gz");
    }
  }

  /**
   * (angles ax, ay, az in [-3.2, 3.2], voxel sizes sx, sy, sz in [0.3, 4], flip): no rotation, the
   * ends of both ranges, half and quarter turns about each axis, then random ones.
   */
  static Stream<Arguments> qformCases() {
    double pi = Math.PI;
    List<Object[]> edges = List.of(
        Cases.args(0.0, 0.0, 0.0, 1.0, 1.0, 1.0, false),
        Cases.args(0.0, 0.0, 0.0, 0.3, 0.3, 0.3, true),
        Cases.args(0.0, 0.0, 0.0, 4.0, 4.0, 4.0, false),
        Cases.args(3.2, 3.2, 3.2, 0.3, 4.0, 0.3, true),
        Cases.args(-3.2, -3.2, -3.2, 4.0, 0.3, 4.0, false),
        Cases.args(3.2, -3.2, 0.0, 0.3, 0.3, 4.0, true),
        Cases.args(pi, 0.0, 0.0, 1.0, 2.0, 3.0, false),
        Cases.args(0.0, pi, 0.0, 1.0, 2.0, 3.0, true),
        Cases.args(0.0, 0.0, pi, 1.0, 2.0, 3.0, false),
        Cases.args(pi / 2, 0.0, -pi / 2, 3.0, 2.0, 1.0, true),
        Cases.args(3.14, 0.0, 0.0, 1.0, 1.0, 1.0, true),
        Cases.args(0.0, 0.0, -3.14, 1.0, 1.0, 1.0, false));
    return Cases.of(0x0F0A_0001L, 200, edges, r -> Cases.args(
        Cases.decimal(r, -3.2, 3.2), Cases.decimal(r, -3.2, 3.2), Cases.decimal(r, -3.2, 3.2),
        Cases.decimal(r, 0.3, 4), Cases.decimal(r, 0.3, 4), Cases.decimal(r, 0.3, 4), r.nextBoolean()));
  }

  /** The qform written beside the sform describes the same affine, for any rotation, sizes and flips. */
  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("qformCases")
  void qformMatchesSform(double ax, double ay, double az, double sx, double sy, double sz, boolean flip) throws IOException {
    double[] r = rotation(ax, ay, az);
    double[] lin = new double[9];
    double[] s = {sx, sy, flip ? -sz : sz};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        lin[3 * i + j] = r[3 * i + j] * s[j];
      }
    }
    Affine affine = Affine.of(lin, new double[] {-12.5, 40, 7});
    NiftiHeader h = NiftiWriter.header(new int[] {3, 3, 3}, affine, NiftiWriter.Options.float32(), 1, 0);
    // the header holds float32 values: compare through an actual file
    Path file = Files.createTempFile(dir, "q", ".nii");
    NiftiWriter.write(file, new int[] {3, 3, 3}, new float[27], affine, NiftiWriter.Options.float32());
    NiftiHeader back = NiftiReader.readHeader(file);
    assertThat(back.qformAffine().maxAbsDifference(affine)).isLessThan(2e-5 * 50);
    assertThat(back.sformAffine().maxAbsDifference(affine)).isLessThan(1e-5 * 50);
    assertThat(back.qfac()).isEqualTo(h.qfac());
  }

  static double[] rotation(double ax, double ay, double az) {
    double cx = Math.cos(ax), sx = Math.sin(ax), cy = Math.cos(ay), sy = Math.sin(ay), cz = Math.cos(az), sz = Math.sin(az);
    double[] rx = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double[] rz = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    return mul(rz, mul(ry, rx));
  }

  static double[] mul(double[] a, double[] b) {
    double[] o = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          o[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        }
      }
    }
    return o;
  }

  private static float[] randomFloats(int n, long seed) {
    Random r = new Random(seed);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (r.nextGaussian() * 100 + 20);
    }
    return out;
  }
}
