package org.brainbench.tasks.volume;

import java.util.Arrays;

/**
 * A 3D voxel grid: its size and where it sits in world space. Voxel (i, j, k) has flat index
 * {@code i + nx * (j + ny * k)}, the NIfTI order.
 */
public record Grid(int nx, int ny, int nz, Affine affine) {
  public Grid {
    if (nx < 1 || ny < 1 || nz < 1) {
      throw new IllegalArgumentException("grid sizes must be >= 1, got " + nx + "x" + ny + "x" + nz);
    }
    if ((long) nx * ny * nz > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("grid " + nx + "x" + ny + "x" + nz + " is too large for one array");
    }
    if (Math.abs(affine.determinant()) < 1e-12) {
      throw new IllegalArgumentException("grid affine is singular: " + affine);
    }
  }

  public static Grid of(int[] shape, Affine affine) {
    if (shape.length != 3) {
      throw new IllegalArgumentException("a grid has 3 sizes, got " + Arrays.toString(shape));
    }
    return new Grid(shape[0], shape[1], shape[2], affine);
  }

  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  public int size(int axis) {
    return switch (axis) {
      case 0 -> nx;
      case 1 -> ny;
      case 2 -> nz;
      default -> throw new IllegalArgumentException("axis " + axis);
    };
  }

  public int voxelCount() {
    return nx * ny * nz;
  }

  public int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  public double[] spacing() {
    return affine.spacing();
  }

  /** World coordinates of the grid's centre (the middle of the field of view). */
  public double[] center() {
    return affine.apply((nx - 1) / 2.0, (ny - 1) / 2.0, (nz - 1) / 2.0);
  }

  /** Same size, and affines equal within {@code tolerance} (mm). */
  public boolean matches(Grid other, double tolerance) {
    return nx == other.nx && ny == other.ny && nz == other.nz && affine.maxAbsDifference(other.affine) <= tolerance;
  }

  /**
   * The grid covering the same field of view with the given voxel sizes: sizes rounded to whole
   * voxels, same axis directions, same centre.
   */
  public Grid withSpacing(double[] spacing) {
    double[] old = spacing();
    int[] shape = new int[3];
    for (int a = 0; a < 3; a++) {
      if (!(spacing[a] > 0)) {
        throw new IllegalArgumentException("voxel sizes must be > 0, got " + Arrays.toString(spacing));
      }
      shape[a] = Math.max(1, (int) Math.round(size(a) * old[a] / spacing[a]));
    }
    return rescaled(shape, spacing);
  }

  /** The grid covering the same field of view with the given sizes: same directions, same centre. */
  public Grid withShape(int[] shape) {
    double[] old = spacing();
    double[] spacing = new double[3];
    for (int a = 0; a < 3; a++) {
      if (shape[a] < 1) {
        throw new IllegalArgumentException("grid sizes must be >= 1, got " + Arrays.toString(shape));
      }
      spacing[a] = size(a) * old[a] / shape[a];
    }
    return rescaled(shape, spacing);
  }

  private Grid rescaled(int[] shape, double[] spacing) {
    double[] old = spacing();
    double[] lin = affine.linear();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        lin[3 * r + c] *= spacing[c] / old[c];
      }
    }
    double[] center = center();
    double[] t = new double[3];
    for (int r = 0; r < 3; r++) {
      t[r] = center[r];
      for (int c = 0; c < 3; c++) {
        t[r] -= lin[3 * r + c] * (shape[c] - 1) / 2.0;
      }
    }
    return new Grid(shape[0], shape[1], shape[2], Affine.of(lin, t));
  }

  @Override
  public String toString() {
    double[] s = spacing();
    return nx + "x" + ny + "x" + nz + String.format(" @ %.3gx%.3gx%.3g mm", s[0], s[1], s[2]);
  }
}
