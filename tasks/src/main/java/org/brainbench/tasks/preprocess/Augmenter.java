package org.brainbench.tasks.preprocess;

import java.util.Random;

/**
 * Training-time augmentation of one preprocessed volume, reproducible from its {@link Random}: a left-right
 * mirror (x is left-right after reorientation to RAS), a small rotation and zoom about the centre
 * (trilinear for images, nearest for label maps; outside the volume is 0), and a random intensity
 * scale and shift of the brain (non-zero voxels).
 */
public final class Augmenter {
  private final Augmentation settings;
  private final int nx;
  private final int ny;
  private final int nz;

  public Augmenter(Augmentation settings, int nx, int ny, int nz) {
    this.settings = settings;
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
  }

  /** A volume's channels (z-y-x, x fastest) and its label map (or null), augmented together. */
  public record Augmented(float[][] channels, byte[] classes) {}

  /** New arrays; the given arrays are never changed. */
  public Augmented apply(float[][] channels, byte[] labels, Random r) {
    float[][] ch = new float[channels.length][];
    for (int c = 0; c < ch.length; c++) {
      ch[c] = channels[c].clone();
    }
    byte[] classes = labels == null ? null : labels.clone();
    if (r.nextDouble() < settings.flip()) {
      for (float[] c : ch) {
        flipX(c);
      }
      if (classes != null) {
        flipX(classes);
      }
    }
    if (settings.rotateDegrees() > 0 || settings.scale() > 0) {
      double[] m = transform(r);
      for (int c = 0; c < ch.length; c++) {
        ch[c] = warp(ch[c], m);
      }
      if (classes != null) {
        classes = warp(classes, m);
      }
    }
    if (settings.intensity() > 0) {
      for (float[] c : ch) {
        float scale = (float) (1 + settings.intensity() * r.nextGaussian());
        float shift = (float) (settings.intensity() * r.nextGaussian());
        for (int i = 0; i < c.length; i++) {
          if (c[i] != 0) {
            c[i] = c[i] * scale + shift;
          }
        }
      }
    }
    return new Augmented(ch, classes);
  }

  /** The inverse map (output voxel offset from centre to input offset), row-major 3x3. */
  private double[] transform(Random r) {
    double max = Math.toRadians(settings.rotateDegrees());
    double ax = (2 * r.nextDouble() - 1) * max;
    double ay = (2 * r.nextDouble() - 1) * max;
    double az = (2 * r.nextDouble() - 1) * max;
    double zoom = 1 + (2 * r.nextDouble() - 1) * settings.scale();
    double cx = Math.cos(ax), sx = Math.sin(ax), cy = Math.cos(ay), sy = Math.sin(ay), cz = Math.cos(az), sz = Math.sin(az);
    double[] rx = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double[] rz = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    double[] m = mul(rz, mul(ry, rx));
    for (int i = 0; i < 9; i++) {
      m[i] /= zoom;
    }
    return m;
  }

  private float[] warp(float[] src, double[] m) {
    float[] out = new float[src.length];
    double ox = (nx - 1) / 2.0, oy = (ny - 1) / 2.0, oz = (nz - 1) / 2.0;
    int idx = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++, idx++) {
          double dx = i - ox, dy = j - oy, dz = k - oz;
          double x = m[0] * dx + m[1] * dy + m[2] * dz + ox;
          double y = m[3] * dx + m[4] * dy + m[5] * dz + oy;
          double z = m[6] * dx + m[7] * dy + m[8] * dz + oz;
          out[idx] = trilinear(src, x, y, z);
        }
      }
    }
    return out;
  }

  private byte[] warp(byte[] src, double[] m) {
    byte[] out = new byte[src.length];
    double ox = (nx - 1) / 2.0, oy = (ny - 1) / 2.0, oz = (nz - 1) / 2.0;
    int idx = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++, idx++) {
          double dx = i - ox, dy = j - oy, dz = k - oz;
          long x = Math.round(m[0] * dx + m[1] * dy + m[2] * dz + ox);
          long y = Math.round(m[3] * dx + m[4] * dy + m[5] * dz + oy);
          long z = Math.round(m[6] * dx + m[7] * dy + m[8] * dz + oz);
          if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz) {
            out[idx] = src[(int) (x + nx * (y + (long) ny * z))];
          }
        }
      }
    }
    return out;
  }

  private float trilinear(float[] d, double x, double y, double z) {
    if (x < 0 || y < 0 || z < 0 || x > nx - 1 || y > ny - 1 || z > nz - 1) {
      return 0f;
    }
    int x0 = Math.min((int) x, nx - 2 < 0 ? 0 : nx - 2);
    int y0 = Math.min((int) y, ny - 2 < 0 ? 0 : ny - 2);
    int z0 = Math.min((int) z, nz - 2 < 0 ? 0 : nz - 2);
    int x1 = Math.min(x0 + 1, nx - 1), y1 = Math.min(y0 + 1, ny - 1), z1 = Math.min(z0 + 1, nz - 1);
    double fx = x - x0, fy = y - y0, fz = z - z0;
    double c00 = d[x0 + nx * (y0 + ny * z0)] * (1 - fx) + d[x1 + nx * (y0 + ny * z0)] * fx;
    double c10 = d[x0 + nx * (y1 + ny * z0)] * (1 - fx) + d[x1 + nx * (y1 + ny * z0)] * fx;
    double c01 = d[x0 + nx * (y0 + ny * z1)] * (1 - fx) + d[x1 + nx * (y0 + ny * z1)] * fx;
    double c11 = d[x0 + nx * (y1 + ny * z1)] * (1 - fx) + d[x1 + nx * (y1 + ny * z1)] * fx;
    return (float) ((c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz);
  }

  private void flipX(float[] d) {
    for (int row = 0; row < ny * nz; row++) {
      int base = row * nx;
      for (int i = 0, j = nx - 1; i < j; i++, j--) {
        float t = d[base + i];
        d[base + i] = d[base + j];
        d[base + j] = t;
      }
    }
  }

  private void flipX(byte[] d) {
    for (int row = 0; row < ny * nz; row++) {
      int base = row * nx;
      for (int i = 0, j = nx - 1; i < j; i++, j--) {
        byte t = d[base + i];
        d[base + i] = d[base + j];
        d[base + j] = t;
      }
    }
  }

  private static double[] mul(double[] a, double[] b) {
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
}
