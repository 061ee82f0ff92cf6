package org.brainbench.tasks.volume;

/**
 * Resamples a volume onto another grid in world coordinates: each target voxel centre is mapped to
 * world space by the target affine and back into the source by the inverse source affine.
 *
 * <p>Sampling points up to half a voxel outside the source are clamped to its edge (so a grid with
 * the same field of view but other voxel sizes does not darken at the border); points further out
 * get {@code fill}.
 */
public final class Resampler {
  private Resampler() {}

  public static Volume resample(Volume source, Grid target, Interpolation interpolation) {
    return resample(source, target, interpolation, 0f);
  }

  public static Volume resample(Volume source, Grid target, Interpolation interpolation, float fill) {
    // target voxel -> source voxel in one affine
    Affine map = source.grid().affine().inverse().multiply(target.affine());
    float[][] out = new float[source.channelCount()][target.voxelCount()];
    for (int c = 0; c < source.channelCount(); c++) {
      sampleChannel(source.grid(), source.channel(c), target, map, interpolation, fill, out[c]);
    }
    return new Volume(target, out);
  }

  private static void sampleChannel(Grid src, float[] data, Grid target, Affine map, Interpolation interpolation, float fill, float[] out) {
    double[] p = new double[3];
    double dx0 = map.get(0, 0);
    double dx1 = map.get(1, 0);
    double dx2 = map.get(2, 0);
    int idx = 0;
    for (int k = 0; k < target.nz(); k++) {
      for (int j = 0; j < target.ny(); j++) {
        map.apply(0, j, k, p);
        double x = p[0];
        double y = p[1];
        double z = p[2];
        for (int i = 0; i < target.nx(); i++, idx++) {
          out[idx] = interpolation == Interpolation.LINEAR
              ? trilinear(src, data, x, y, z, fill)
              : nearest(src, data, x, y, z, fill);
          x += dx0;
          y += dx1;
          z += dx2;
        }
      }
    }
  }

  /** Trilinear value at continuous voxel coordinates, with the edge rule of this class. */
  public static float trilinear(Grid g, float[] data, double x, double y, double z, float fill) {
    int nx = g.nx();
    int ny = g.ny();
    int nz = g.nz();
    if (x < -0.5 || y < -0.5 || z < -0.5 || x > nx - 0.5 || y > ny - 0.5 || z > nz - 0.5) {
      return fill;
    }
    x = Math.min(Math.max(x, 0), nx - 1);
    y = Math.min(Math.max(y, 0), ny - 1);
    z = Math.min(Math.max(z, 0), nz - 1);
    int x0 = Math.min((int) x, nx - 1);
    int y0 = Math.min((int) y, ny - 1);
    int z0 = Math.min((int) z, nz - 1);
    int x1 = Math.min(x0 + 1, nx - 1);
    int y1 = Math.min(y0 + 1, ny - 1);
    int z1 = Math.min(z0 + 1, nz - 1);
    double fx = x - x0;
    double fy = y - y0;
    double fz = z - z0;
    int sy = nx;
    int sz = nx * ny;
    int b00 = y0 * sy + z0 * sz;
    int b10 = y1 * sy + z0 * sz;
    int b01 = y0 * sy + z1 * sz;
    int b11 = y1 * sy + z1 * sz;
    double c00 = data[b00 + x0] + fx * (data[b00 + x1] - data[b00 + x0]);
    double c10 = data[b10 + x0] + fx * (data[b10 + x1] - data[b10 + x0]);
    double c01 = data[b01 + x0] + fx * (data[b01 + x1] - data[b01 + x0]);
    double c11 = data[b11 + x0] + fx * (data[b11 + x1] - data[b11 + x0]);
    double c0 = c00 + fy * (c10 - c00);
    double c1 = c01 + fy * (c11 - c01);
    return (float) (c0 + fz * (c1 - c0));
  }

  /** Nearest-voxel value at continuous voxel coordinates (ties round up). */
  public static float nearest(Grid g, float[] data, double x, double y, double z, float fill) {
    long i = Math.round(x);
    long j = Math.round(y);
    long k = Math.round(z);
    if (x < -0.5 || y < -0.5 || z < -0.5 || x > g.nx() - 0.5 || y > g.ny() - 0.5 || z > g.nz() - 0.5) {
      return fill;
    }
    i = Math.min(Math.max(i, 0), g.nx() - 1);
    j = Math.min(Math.max(j, 0), g.ny() - 1);
    k = Math.min(Math.max(k, 0), g.nz() - 1);
    return data[(int) (i + g.nx() * (j + (long) g.ny() * k))];
  }
}
