package org.brainbench.tasks.volume;

/**
 * Which world direction each voxel axis points to, and reorientation to the nearest canonical
 * RAS+ orientation (first axis to the Right, second Anterior, third Superior), as nibabel's {@code
 * as_closest_canonical} does. Only axes are permuted and flipped: voxels are never interpolated.
 *
 * @param worldAxis for each voxel axis, the world axis (0 = x, 1 = y, 2 = z) it is closest to
 * @param flipped for each voxel axis, whether it points the negative way along that world axis
 */
public record Orientation(int[] worldAxis, boolean[] flipped) {
  private static final String POSITIVE = "RAS";
  private static final String NEGATIVE = "LPI";

  /**
   * The orientation of an affine: voxel axes are matched to world axes greedily by the largest
   * absolute direction cosine, so oblique images get their nearest orientation.
   */
  public static Orientation of(Affine affine) {
    double[] lin = affine.linear();
    double[] s = affine.spacing();
    double[] cos = new double[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        cos[3 * r + c] = lin[3 * r + c] / s[c];
      }
    }
    int[] worldAxis = {-1, -1, -1};
    boolean[] flipped = new boolean[3];
    boolean[] worldUsed = new boolean[3];
    for (int step = 0; step < 3; step++) {
      int bestR = -1;
      int bestC = -1;
      double best = -1;
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 3; c++) {
          if (!worldUsed[r] && worldAxis[c] < 0 && Math.abs(cos[3 * r + c]) > best) {
            best = Math.abs(cos[3 * r + c]);
            bestR = r;
            bestC = c;
          }
        }
      }
      worldAxis[bestC] = bestR;
      worldUsed[bestR] = true;
      flipped[bestC] = cos[3 * bestR + bestC] < 0;
    }
    return new Orientation(worldAxis, flipped);
  }

  /** Axis codes such as "RAS", "LPS" or "PIR": the direction each voxel axis increases towards. */
  public String code() {
    StringBuilder b = new StringBuilder();
    for (int v = 0; v < 3; v++) {
      b.append(flipped[v] ? NEGATIVE.charAt(worldAxis[v]) : POSITIVE.charAt(worldAxis[v]));
    }
    return b.toString();
  }

  public boolean isCanonical() {
    return code().equals("RAS");
  }

  /** The same voxels with axes permuted and flipped so the grid is (nearest to) RAS+. */
  public static Volume toCanonical(Volume volume) {
    Orientation o = of(volume.affine());
    if (o.isCanonical()) {
      return volume;
    }
    Grid g = volume.grid();
    int[] oldShape = g.shape();
    // for new axis a: which old axis feeds it
    int[] source = new int[3];
    for (int v = 0; v < 3; v++) {
      source[o.worldAxis[v]] = v;
    }
    int[] newShape = {oldShape[source[0]], oldShape[source[1]], oldShape[source[2]]};
    double[] lin = g.affine().linear();
    double[] t = g.affine().translation();
    double[] newLin = new double[9];
    for (int a = 0; a < 3; a++) {
      int v = source[a];
      double sign = o.flipped[v] ? -1 : 1;
      for (int r = 0; r < 3; r++) {
        newLin[3 * r + a] = sign * lin[3 * r + v];
        if (o.flipped[v]) {
          t[r] += lin[3 * r + v] * (oldShape[v] - 1);
        }
      }
    }
    Grid ng = new Grid(newShape[0], newShape[1], newShape[2], Affine.of(newLin, t));
    float[][] out = new float[volume.channelCount()][ng.voxelCount()];
    int[] oldIdx = new int[3];
    int[] stride = {1, oldShape[0], oldShape[0] * oldShape[1]};
    for (int c = 0; c < volume.channelCount(); c++) {
      float[] src = volume.channel(c);
      float[] dst = out[c];
      int idx = 0;
      for (int k = 0; k < newShape[2]; k++) {
        for (int j = 0; j < newShape[1]; j++) {
          for (int i = 0; i < newShape[0]; i++, idx++) {
            int[] n = {i, j, k};
            for (int a = 0; a < 3; a++) {
              int v = source[a];
              oldIdx[v] = o.flipped[v] ? oldShape[v] - 1 - n[a] : n[a];
            }
            dst[idx] = src[oldIdx[0] * stride[0] + oldIdx[1] * stride[1] + oldIdx[2] * stride[2]];
          }
        }
      }
    }
    return new Volume(ng, out);
  }
}
