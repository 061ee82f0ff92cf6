package org.brainbench.tasks.volume;

import java.util.Arrays;

/** Cropping and padding on the voxel grid (no interpolation); affines move with the voxels. */
public final class CropPad {
  private CropPad() {}

  /**
   * Crops or pads every axis to {@code shape}, keeping the centre: an axis that shrinks by d loses
   * floor(d/2) voxels at its start; one that grows by d gains floor(d/2) voxels of {@code fill} at
   * its start.
   */
  public static Volume centered(Volume volume, int[] shape, float fill) {
    int[] old = volume.shape();
    int[] offset = new int[3];
    for (int a = 0; a < 3; a++) {
      offset[a] = (old[a] - shape[a]) / 2; // truncates towards 0: floor(d/2) at the start either way
    }
    return window(volume, offset, shape, fill);
  }

  /**
   * The box of {@code shape} voxels whose first voxel is old voxel {@code offset} (which may be
   * negative or run past the end: those voxels get {@code fill}).
   */
  public static Volume window(Volume volume, int[] offset, int[] shape, float fill) {
    Grid g = volume.grid();
    Affine moved = g.affine().multiply(translation(offset));
    Grid ng = new Grid(shape[0], shape[1], shape[2], moved);
    float[][] out = new float[volume.channelCount()][ng.voxelCount()];
    for (int c = 0; c < volume.channelCount(); c++) {
      float[] src = volume.channel(c);
      float[] dst = out[c];
      if (fill != 0) {
        Arrays.fill(dst, fill);
      }
      int i0 = Math.max(0, -offset[0]);
      int i1 = Math.min(shape[0], g.nx() - offset[0]);
      if (i1 <= i0) {
        continue;
      }
      for (int k = 0; k < shape[2]; k++) {
        int ok = k + offset[2];
        if (ok < 0 || ok >= g.nz()) {
          continue;
        }
        for (int j = 0; j < shape[1]; j++) {
          int oj = j + offset[1];
          if (oj < 0 || oj >= g.ny()) {
            continue;
          }
          System.arraycopy(src, g.index(i0 + offset[0], oj, ok), dst, ng.index(i0, j, k), i1 - i0);
        }
      }
    }
    return new Volume(ng, out);
  }

  /**
   * The smallest box holding every voxel where {@code mask > 0}, grown by {@code margin} voxels on
   * each side (clipped to the grid): {offset, shape}; null when the mask is empty.
   */
  public static int[][] boundingBox(Grid grid, float[] mask, int margin) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    int idx = 0;
    for (int k = 0; k < grid.nz(); k++) {
      for (int j = 0; j < grid.ny(); j++) {
        for (int i = 0; i < grid.nx(); i++, idx++) {
          if (mask[idx] > 0) {
            lo[0] = Math.min(lo[0], i);
            lo[1] = Math.min(lo[1], j);
            lo[2] = Math.min(lo[2], k);
            hi[0] = Math.max(hi[0], i);
            hi[1] = Math.max(hi[1], j);
            hi[2] = Math.max(hi[2], k);
          }
        }
      }
    }
    if (hi[0] < 0) {
      return null;
    }
    int[] offset = new int[3];
    int[] shape = new int[3];
    for (int a = 0; a < 3; a++) {
      offset[a] = Math.max(0, lo[a] - margin);
      int end = Math.min(grid.size(a) - 1, hi[a] + margin);
      shape[a] = end - offset[a] + 1;
    }
    return new int[][] {offset, shape};
  }

  private static Affine translation(int[] offset) {
    return Affine.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {offset[0], offset[1], offset[2]});
  }
}
