package org.brainbench.tasks.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Test-side NIfTI encoder for any datatype, byte order and header format, independent of {@link
 * NiftiWriter} (which only writes little-endian NIfTI-1 uint8/int16/float32).
 */
final class RawNifti {
  private RawNifti() {}

  /**
   * Writes raw stored values (as doubles; converted to the datatype) with an identity-ish sform.
   *
   * @return the values a reader should produce after scaling
   */
  static double[] write(Path file, NiftiFormat format, ByteOrder order, NiftiDatatype type, int[] shape, double[] stored,
      double slope, double inter) throws IOException {
    int offset = format.minSingleFileOffset();
    ByteBuffer header = ByteBuffer.allocate(offset).order(order);
    if (format == NiftiFormat.NIFTI1) {
      header.putInt(0, 348);
      header.putShort(40, (short) shape.length);
      for (int i = 0; i < 7; i++) {
        header.putShort(42 + 2 * i, (short) (i < shape.length ? shape[i] : 1));
      }
      header.putShort(70, (short) type.code());
      header.putShort(72, (short) (8 * type.bytesPerVoxel()));
      header.putFloat(76, 1f);
      for (int i = 1; i < 8; i++) {
        header.putFloat(76 + 4 * i, 1f + i);
      }
      header.putFloat(108, offset);
      header.putFloat(112, (float) slope);
      header.putFloat(116, (float) inter);
      header.putShort(254, (short) 2);
      header.putFloat(280, 2f);
      header.putFloat(296 + 4, 3f);
      header.putFloat(312 + 8, 4f);
      header.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
    } else {
      header.putInt(0, 540);
      header.put(4, (byte) 'n').put(5, (byte) '+').put(6, (byte) '2').put(8, (byte) '\r').put(9, (byte) '\n').put(10, (byte) 0x1a).put(11, (byte) '\n');
      header.putShort(12, (short) type.code());
      header.putShort(14, (short) (8 * type.bytesPerVoxel()));
      header.putLong(16, shape.length);
      for (int i = 0; i < 7; i++) {
        header.putLong(24 + 8 * i, i < shape.length ? shape[i] : 1);
      }
      header.putDouble(104, 1);
      for (int i = 1; i < 8; i++) {
        header.putDouble(104 + 8 * i, 1 + i);
      }
      header.putLong(168, offset);
      header.putDouble(176, slope);
      header.putDouble(184, inter);
      header.putInt(348, 2);
      header.putDouble(400, 2);
      header.putDouble(432 + 8, 3);
      header.putDouble(464 + 16, 4);
    }
    ByteBuffer data = ByteBuffer.allocate(stored.length * type.bytesPerVoxel()).order(order);
    double s = slope == 0 || !Double.isFinite(slope) ? 1 : (format == NiftiFormat.NIFTI1 ? (float) slope : slope);
    double b = slope == 0 || !Double.isFinite(slope) ? 0 : (format == NiftiFormat.NIFTI1 ? (float) inter : inter);
    double[] expected = new double[stored.length];
    for (int i = 0; i < stored.length; i++) {
      double v = stored[i];
      double raw;
      switch (type) {
        case UINT8, INT8 -> {
          data.put((byte) (long) v);
          raw = type == NiftiDatatype.UINT8 ? ((byte) (long) v) & 0xFF : (byte) (long) v;
        }
        case INT16, UINT16 -> {
          data.putShort((short) (long) v);
          raw = type == NiftiDatatype.UINT16 ? ((short) (long) v) & 0xFFFF : (short) (long) v;
        }
        case INT32, UINT32 -> {
          data.putInt((int) (long) v);
          raw = type == NiftiDatatype.UINT32 ? ((int) (long) v) & 0xFFFFFFFFL : (int) (long) v;
        }
        case INT64 -> {
          data.putLong((long) v);
          raw = (double) (long) v;
        }
        case FLOAT32 -> {
          data.putFloat((float) v);
          raw = (float) v;
        }
        case FLOAT64 -> {
          data.putDouble(v);
          raw = v;
        }
        default -> throw new IllegalArgumentException(type.id());
      }
      expected[i] = raw * s + b;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(header.array());
    bytes.write(data.array());
    if (file.getFileName().toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(bytes.toByteArray());
      }
    } else {
      Files.write(file, bytes.toByteArray());
    }
    return expected;
  }
}
