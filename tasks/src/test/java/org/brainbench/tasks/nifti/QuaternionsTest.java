package org.brainbench.tasks.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Known qform cases from the NIfTI standard, and matrix/quaternion round trips. */
@ExtendWith(Cases.NameFailures.class)
class QuaternionsTest {
  @Test
  void zeroQuaternionIsIdentity() {
    assertThat(Quaternions.rotationMatrix(0, 0, 0)).containsExactly(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, within(1e-15));
  }

  @Test
  void halfTurnAboutZHasAZero() {
    // (a, b, c, d) = (0, 0, 0, 1): 180 degrees about z, the radiological flip of x and y
    assertThat(Quaternions.rotationMatrix(0, 0, 1)).containsExactly(new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1}, within(1e-15));
  }

  @Test
  void quarterTurnAboutX() {
    double h = Math.sqrt(0.5);
    assertThat(Quaternions.rotationMatrix(h, 0, 0)).containsExactly(new double[] {1, 0, 0, 0, 0, -1, 0, 1, 0}, within(1e-12));
  }

  @Test
  void bcdJustOutsideTheUnitSphereIsClampedNotNaN() {
    float b = 0.70710677f;
    double[] m = Quaternions.rotationMatrix(b, b, 0);
    for (double v : m) {
      assertThat(v).isNotNaN();
    }
    assertThat(m[0]).isCloseTo(0, within(1e-6)); // a=0, b=c=1/sqrt2: 180 degrees about (1,1,0)
    assertThat(m[1]).isCloseTo(1, within(1e-6));
  }

  @Test
  void bcdFarOutsideIsNormalised() {
    double[] m = Quaternions.rotationMatrix(0, 0, 2);
    assertThat(m).containsExactly(new double[] {-1, 0, 0, 0, -1, 0, 0, 0, 1}, within(1e-12));
  }

  /**
   * (angles ax, ay, az in [-3.2, 3.2]): no rotation, the corners of the range, half and quarter
   * turns about each axis (where a quaternion's a is 0 or b, c, d are large), then random ones.
   */
  static Stream<Arguments> rotationCases() {
    List<Object[]> edges = new ArrayList<>();
    edges.add(Cases.args(0.0, 0.0, 0.0));
    for (double x : new double[] {-3.2, 3.2}) {
      for (double y : new double[] {-3.2, 3.2}) {
        for (double z : new double[] {-3.2, 3.2}) {
          edges.add(Cases.args(x, y, z));
        }
      }
    }
    for (double turn : new double[] {Math.PI, -Math.PI, Math.PI / 2, 3.14}) {
      edges.add(Cases.args(turn, 0.0, 0.0));
      edges.add(Cases.args(0.0, turn, 0.0));
      edges.add(Cases.args(0.0, 0.0, turn));
    }
    return Cases.of(0x0A7E_0001L, 500, edges,
        r -> Cases.args(Cases.decimal(r, -3.2, 3.2), Cases.decimal(r, -3.2, 3.2), Cases.decimal(r, -3.2, 3.2)));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("rotationCases")
  void rotationRoundTrips(double ax, double ay, double az) {
    double[] r = NiftiWriterTest.rotation(ax, ay, az);
    double[] q = Quaternions.fromRotation(r);
    assertThat(q[0]).isGreaterThanOrEqualTo(0);
    assertThat(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).isCloseTo(1, within(1e-12));
    assertThat(Quaternions.rotationMatrix(q[1], q[2], q[3])).containsExactly(r, within(1e-9));
  }

  /**
   * (angle a in [-3, 3], shear in [-0.01, 0.01]): the ends and middle of both ranges, then random
   * ones. The shear is drawn at full precision: two decimals would leave only -0.01, 0 and 0.01.
   */
  static Stream<Arguments> shearCases() {
    List<Object[]> edges = new ArrayList<>();
    for (double a : new double[] {-3, 0, 3}) {
      for (double shear : new double[] {-0.01, 0, 0.01}) {
        edges.add(Cases.args(a, shear));
      }
    }
    return Cases.of(0x0A7E_0002L, 200, edges, r -> Cases.args(Cases.decimal(r, -3, 3), Cases.uniform(r, -0.01, 0.01)));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("shearCases")
  void orthonormalizeRemovesSmallShear(double a, double shear) {
    double[] r = NiftiWriterTest.rotation(a, a / 2, -a);
    r[1] += shear;
    double[] o = Quaternions.orthonormalize(r);
    double[] ooT = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          ooT[3 * i + j] += o[3 * i + k] * o[3 * j + k];
        }
      }
    }
    assertThat(ooT).containsExactly(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, within(1e-12));
  }
}
