package org.brainbench.tasks.nifti;

import java.nio.ByteBuffer;

/**
 * Decodes raw voxel bytes (in the header's byte order) into scaled values. Bulk reads through typed
 * buffer views let the JVM swap bytes in wide loads; scaling is applied in double precision.
 */
final class VoxelDecoder {
  private VoxelDecoder() {}

  /** Decodes {@code n} voxels from {@code src} into {@code dst[off..off+n)} as float32. */
  static void toFloat(NiftiDatatype type, ByteBuffer src, int n, double slope, double inter, float[] dst, int off) {
    boolean identity = slope == 1 && inter == 0;
    switch (type) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = scale(src.get(i) & 0xFF, slope, inter, identity);
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          dst[off + i] = scale(src.get(i), slope, inter, identity);
        }
      }
      case INT16, UINT16 -> {
        short[] raw = new short[n];
        src.asShortBuffer().get(raw);
        boolean unsigned = type == NiftiDatatype.UINT16;
        for (int i = 0; i < n; i++) {
          dst[off + i] = scale(unsigned ? raw[i] & 0xFFFF : raw[i], slope, inter, identity);
        }
      }
      case INT32, UINT32 -> {
        int[] raw = new int[n];
        src.asIntBuffer().get(raw);
        boolean unsigned = type == NiftiDatatype.UINT32;
        for (int i = 0; i < n; i++) {
          double v = unsigned ? raw[i] & 0xFFFFFFFFL : raw[i];
          dst[off + i] = (float) (v * slope + inter);
        }
      }
      case INT64 -> {
        long[] raw = new long[n];
        src.asLongBuffer().get(raw);
        for (int i = 0; i < n; i++) {
          dst[off + i] = (float) ((double) raw[i] * slope + inter);
        }
      }
      case FLOAT32 -> {
        src.asFloatBuffer().get(dst, off, n);
        if (!identity) {
          for (int i = 0; i < n; i++) {
            dst[off + i] = (float) (dst[off + i] * slope + inter);
          }
        }
      }
      case FLOAT64 -> {
        double[] raw = new double[n];
        src.asDoubleBuffer().get(raw);
        for (int i = 0; i < n; i++) {
          dst[off + i] = (float) (raw[i] * slope + inter);
        }
      }
      default -> throw new IllegalArgumentException("not decodable: " + type);
    }
  }

  /** Decodes {@code n} voxels from {@code src} into {@code dst[0..n)} as float64 (for statistics). */
  static void toDouble(NiftiDatatype type, ByteBuffer src, int n, double slope, double inter, double[] dst) {
    switch (type) {
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = (src.get(i) & 0xFF) * slope + inter;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = src.get(i) * slope + inter;
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = src.getShort(2 * i) * slope + inter;
        }
      }
      case UINT16 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = (src.getShort(2 * i) & 0xFFFF) * slope + inter;
        }
      }
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = src.getInt(4 * i) * slope + inter;
        }
      }
      case UINT32 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = (src.getInt(4 * i) & 0xFFFFFFFFL) * slope + inter;
        }
      }
      case INT64 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = (double) src.getLong(8 * i) * slope + inter;
        }
      }
      case FLOAT32 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = src.getFloat(4 * i) * slope + inter;
        }
      }
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) {
          dst[i] = src.getDouble(8 * i) * slope + inter;
        }
      }
      default -> throw new IllegalArgumentException("not decodable: " + type);
    }
  }

  private static float scale(int v, double slope, double inter, boolean identity) {
    return identity ? v : (float) (v * slope + inter);
  }
}
