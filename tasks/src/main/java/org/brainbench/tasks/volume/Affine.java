package org.brainbench.tasks.volume;

import java.util.Arrays;

/**
 * A 4x4 affine from voxel indices (i, j, k) to world coordinates (x, y, z) in millimetres, RAS+
 * as in NIfTI. Immutable; the bottom row is always (0, 0, 0, 1).
 */
public final class Affine {
  private static final Affine IDENTITY = diagonal(1, 1, 1);

  /** Row-major 3x4 (the bottom row is implicit). */
  private final double[] m;

  private Affine(double[] m) {
    for (int i = 0; i < m.length; i++) {
      if (!Double.isFinite(m[i])) {
        throw new IllegalArgumentException("affine has a non-finite entry: " + Arrays.toString(m));
      }
      m[i] += 0.0; // -0.0 becomes 0.0, so equal affines are equal
    }
    this.m = m;
  }

  public static Affine identity() {
    return IDENTITY;
  }

  /** Voxel sizes on the diagonal, no translation. */
  public static Affine diagonal(double sx, double sy, double sz) {
    return new Affine(new double[] {sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0});
  }

  /** From the first three rows of a 4x4 (or 3x4) row-major matrix. */
  public static Affine of(double[][] rows) {
    if (rows.length < 3) {
      throw new IllegalArgumentException("affine needs 3 or 4 rows, got " + rows.length);
    }
    double[] m = new double[12];
    for (int r = 0; r < 3; r++) {
      if (rows[r].length != 4) {
        throw new IllegalArgumentException("affine row " + r + " needs 4 values");
      }
      System.arraycopy(rows[r], 0, m, 4 * r, 4);
    }
    return new Affine(m);
  }

  /** From a 3x3 linear part (row-major) and a translation. */
  public static Affine of(double[] linear3x3, double[] translation) {
    double[] m = new double[12];
    for (int r = 0; r < 3; r++) {
      m[4 * r] = linear3x3[3 * r];
      m[4 * r + 1] = linear3x3[3 * r + 1];
      m[4 * r + 2] = linear3x3[3 * r + 2];
      m[4 * r + 3] = translation[r];
    }
    return new Affine(m);
  }

  /** Entry at row r (0..3), column c (0..3). */
  public double get(int r, int c) {
    if (r == 3) {
      return c == 3 ? 1 : 0;
    }
    return m[4 * r + c];
  }

  /** The full 4x4 matrix, row-major. */
  public double[][] toArray() {
    double[][] out = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        out[r][c] = get(r, c);
      }
    }
    return out;
  }

  /** The 3x3 linear part, row-major. */
  public double[] linear() {
    return new double[] {m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]};
  }

  public double[] translation() {
    return new double[] {m[3], m[7], m[11]};
  }

  /** Voxel sizes: the lengths of the three columns of the linear part. */
  public double[] spacing() {
    double[] s = new double[3];
    for (int c = 0; c < 3; c++) {
      s[c] = Math.sqrt(m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c]);
    }
    return s;
  }

  /** Maps voxel coordinates to world coordinates, writing into {@code out} (length >= 3). */
  public void apply(double i, double j, double k, double[] out) {
    out[0] = m[0] * i + m[1] * j + m[2] * k + m[3];
    out[1] = m[4] * i + m[5] * j + m[6] * k + m[7];
    out[2] = m[8] * i + m[9] * j + m[10] * k + m[11];
  }

  public double[] apply(double i, double j, double k) {
    double[] out = new double[3];
    apply(i, j, k, out);
    return out;
  }

  /** this * other: first other, then this. */
  public Affine multiply(Affine other) {
    double[] r = new double[12];
    for (int row = 0; row < 3; row++) {
      for (int col = 0; col < 4; col++) {
        double v = 0;
        for (int k = 0; k < 3; k++) {
          v += m[4 * row + k] * other.get(k, col);
        }
        if (col == 3) {
          v += m[4 * row + 3];
        }
        r[4 * row + col] = v;
      }
    }
    return new Affine(r);
  }

  public double determinant() {
    return m[0] * (m[5] * m[10] - m[6] * m[9])
        - m[1] * (m[4] * m[10] - m[6] * m[8])
        + m[2] * (m[4] * m[9] - m[5] * m[8]);
  }

  /** The inverse map, world to voxel. */
  public Affine inverse() {
    double det = determinant();
    if (Math.abs(det) < 1e-12) {
      throw new IllegalStateException("affine is singular: " + this);
    }
    double[] a = linear();
    double[] inv = {
      (a[4] * a[8] - a[5] * a[7]) / det,
      (a[2] * a[7] - a[1] * a[8]) / det,
      (a[1] * a[5] - a[2] * a[4]) / det,
      (a[5] * a[6] - a[3] * a[8]) / det,
      (a[0] * a[8] - a[2] * a[6]) / det,
      (a[2] * a[3] - a[0] * a[5]) / det,
      (a[3] * a[7] - a[4] * a[6]) / det,
      (a[1] * a[6] - a[0] * a[7]) / det,
      (a[0] * a[4] - a[1] * a[3]) / det
    };
    double[] t = translation();
    double[] it = new double[3];
    for (int r = 0; r < 3; r++) {
      it[r] = -(inv[3 * r] * t[0] + inv[3 * r + 1] * t[1] + inv[3 * r + 2] * t[2]);
    }
    return of(inv, it);
  }

  /** Largest absolute difference of any entry. */
  public double maxAbsDifference(Affine other) {
    double d = 0;
    for (int i = 0; i < 12; i++) {
      d = Math.max(d, Math.abs(m[i] - other.m[i]));
    }
    return d;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Affine a && Arrays.equals(m, a.m);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(m);
  }

  @Override
  public String toString() {
    return Arrays.deepToString(toArray());
  }
}
