package org.brainbench.tasks.nifti;

/** Conversions between NIfTI's qform quaternion (b, c, d; a implied) and rotation matrices. */
public final class Quaternions {
  /**
   * Below this, {@code 1 - (b²+c²+d²)} counts as float rounding and {@code a} is taken as 0 (the
   * threshold nibabel uses for float32 headers).
   */
  private static final double ROUNDING = 3 * Math.ulp(1.0f);

  private Quaternions() {}

  /**
   * The 3x3 rotation (row-major) of the unit quaternion (a, b, c, d) with {@code a =
   * sqrt(1 - b² - c² - d²)}. When b, c, d lie outside the unit sphere by more than rounding, they
   * are normalised and a = 0 (as the NIfTI reference library does).
   */
  public static double[] rotationMatrix(double b, double c, double d) {
    double a2 = 1.0 - (b * b + c * c + d * d);
    double a;
    if (a2 >= 0) {
      a = Math.sqrt(a2);
    } else if (a2 > -ROUNDING) {
      a = 0;
    } else {
      double norm = Math.sqrt(b * b + c * c + d * d);
      b /= norm;
      c /= norm;
      d /= norm;
      a = 0;
    }
    double n = a * a + b * b + c * c + d * d;
    if (n < 1e-300) {
      return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
    }
    double s = 2.0 / n;
    double x = b * s;
    double y = c * s;
    double z = d * s;
    double wx = a * x;
    double wy = a * y;
    double wz = a * z;
    double xx = b * x;
    double xy = b * y;
    double xz = b * z;
    double yy = c * y;
    double yz = c * z;
    double zz = d * z;
    return new double[] {
      1.0 - (yy + zz), xy - wz, xz + wy,
      xy + wz, 1.0 - (xx + zz), yz - wx,
      xz - wy, yz + wx, 1.0 - (xx + yy)
    };
  }

  /**
   * The quaternion (a, b, c, d), with a >= 0, of a proper rotation matrix (row-major, det +1).
   * Uses the numerically stable branch on the largest diagonal term.
   */
  public static double[] fromRotation(double[] r) {
    double trace = r[0] + r[4] + r[8];
    double a;
    double b;
    double c;
    double d;
    if (trace > 0) {
      double s = 2 * Math.sqrt(1 + trace);
      a = 0.25 * s;
      b = (r[7] - r[5]) / s;
      c = (r[2] - r[6]) / s;
      d = (r[3] - r[1]) / s;
    } else if (r[0] > r[4] && r[0] > r[8]) {
      double s = 2 * Math.sqrt(1 + r[0] - r[4] - r[8]);
      a = (r[7] - r[5]) / s;
      b = 0.25 * s;
      c = (r[1] + r[3]) / s;
      d = (r[2] + r[6]) / s;
    } else if (r[4] > r[8]) {
      double s = 2 * Math.sqrt(1 + r[4] - r[0] - r[8]);
      a = (r[2] - r[6]) / s;
      b = (r[1] + r[3]) / s;
      c = 0.25 * s;
      d = (r[5] + r[7]) / s;
    } else {
      double s = 2 * Math.sqrt(1 + r[8] - r[0] - r[4]);
      a = (r[3] - r[1]) / s;
      b = (r[2] + r[6]) / s;
      c = (r[5] + r[7]) / s;
      d = 0.25 * s;
    }
    if (a < 0) {
      a = -a;
      b = -b;
      c = -c;
      d = -d;
    }
    return new double[] {a, b, c, d};
  }

  /**
   * The nearest orthonormal matrix to a 3x3 (row-major) by Newton iteration on the polar
   * decomposition; converges in a few steps for matrices that are nearly orthonormal.
   */
  public static double[] orthonormalize(double[] m) {
    double[] x = m.clone();
    for (int it = 0; it < 50; it++) {
      double[] invT = inverseTranspose(x);
      double change = 0;
      for (int i = 0; i < 9; i++) {
        double next = 0.5 * (x[i] + invT[i]);
        change = Math.max(change, Math.abs(next - x[i]));
        x[i] = next;
      }
      if (change < 1e-15) {
        break;
      }
    }
    return x;
  }

  private static double[] inverseTranspose(double[] a) {
    double det = a[0] * (a[4] * a[8] - a[5] * a[7])
        - a[1] * (a[3] * a[8] - a[5] * a[6])
        + a[2] * (a[3] * a[7] - a[4] * a[6]);
    // cofactor matrix / det is the inverse transpose
    return new double[] {
      (a[4] * a[8] - a[5] * a[7]) / det,
      (a[5] * a[6] - a[3] * a[8]) / det,
      (a[3] * a[7] - a[4] * a[6]) / det,
      (a[2] * a[7] - a[1] * a[8]) / det,
      (a[0] * a[8] - a[2] * a[6]) / det,
      (a[1] * a[6] - a[0] * a[7]) / det,
      (a[1] * a[5] - a[2] * a[4]) / det,
      (a[2] * a[3] - a[0] * a[5]) / det,
      (a[0] * a[4] - a[1] * a[3]) / det
    };
  }
}
