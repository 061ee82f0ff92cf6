package org.brainbench.tasks.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Parses and validates NIfTI-1/NIfTI-2 headers, and encodes NIfTI-1 headers for writing. */
final class NiftiHeaderCodec {
  static final int MAX_RANK = 7;

  private NiftiHeaderCodec() {}

  /**
   * Parses the header at the start of {@code bytes} (which may hold fewer bytes than a header if
   * the file is short).
   *
   * @param file named in errors
   */
  static NiftiHeader parse(byte[] bytes, int length, Path file) throws NiftiFormatException {
    if (length < 4) {
      throw new NiftiFormatException(file, "truncated header: file has " + length + " bytes, not a NIfTI header (sizeof_hdr missing)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, 0, length);
    NiftiFormat format = null;
    ByteOrder order = null;
    for (ByteOrder candidate : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      int size = buf.order(candidate).getInt(0);
      if (size == NiftiFormat.NIFTI1.headerSize()) {
        format = NiftiFormat.NIFTI1;
        order = candidate;
      } else if (size == NiftiFormat.NIFTI2.headerSize()) {
        format = NiftiFormat.NIFTI2;
        order = candidate;
      }
      if (format != null) {
        break;
      }
    }
    if (format == null) {
      throw new NiftiFormatException(file, "not a NIfTI file: sizeof_hdr is "
          + buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0) + ", expected 348 (NIfTI-1) or 540 (NIfTI-2) in either byte order");
    }
    if (length < format.headerSize()) {
      throw new NiftiFormatException(file, "truncated header: file has " + length
          + " bytes, a " + (format == NiftiFormat.NIFTI1 ? "NIfTI-1" : "NIfTI-2") + " header needs " + format.headerSize());
    }
    buf.order(order);
    return format == NiftiFormat.NIFTI1 ? parseNifti1(buf, order, file) : parseNifti2(buf, order, file);
  }

  private static NiftiHeader parseNifti1(ByteBuffer b, ByteOrder order, Path file) throws NiftiFormatException {
    String magic = ascii(b, 344, 4);
    boolean pair;
    if (magic.equals("n+1")) {
      pair = false;
    } else if (magic.equals("ni1")) {
      pair = true;
    } else {
      throw new NiftiFormatException(file, "bad magic \"" + printable(magic) + "\": a NIfTI-1 header has \"n+1\" (single file) or \"ni1\" (header/image pair); Analyze 7.5 files are not supported");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getShort(40 + 2 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getFloat(76 + 4 * i);
    }
    double voxOffset = b.getFloat(108);
    double[][] srow = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
      }
    }
    int datatypeCode = b.getShort(70);
    return validated(new NiftiHeader(
        NiftiFormat.NIFTI1, order, pair, dim, datatypeCode, NiftiDatatype.fromCode(datatypeCode),
        b.getShort(72), pixdim, checkedOffset(voxOffset, file),
        b.getFloat(112), b.getFloat(116),
        b.getShort(252), b.getShort(254),
        b.getFloat(256), b.getFloat(260), b.getFloat(264),
        b.getFloat(268), b.getFloat(272), b.getFloat(276),
        srow, b.get(123) & 0xFF, b.getShort(68), ascii(b, 148, 80)), file);
  }

  private static NiftiHeader parseNifti2(ByteBuffer b, ByteOrder order, Path file) throws NiftiFormatException {
    String magic = ascii(b, 4, 4);
    boolean pair;
    if (magic.equals("n+2")) {
      pair = false;
    } else if (magic.equals("ni2")) {
      pair = true;
    } else {
      throw new NiftiFormatException(file, "bad magic \"" + printable(magic) + "\": a NIfTI-2 header has \"n+2\" or \"ni2\"");
    }
    long[] dim = new long[8];
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getLong(16 + 8 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getDouble(104 + 8 * i);
    }
    double[][] srow = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
      }
    }
    int datatypeCode = b.getShort(12);
    return validated(new NiftiHeader(
        NiftiFormat.NIFTI2, order, pair, dim, datatypeCode, NiftiDatatype.fromCode(datatypeCode),
        b.getShort(14), pixdim, checkedOffset(b.getLong(168), file),
        b.getDouble(176), b.getDouble(184),
        b.getInt(344), b.getInt(348),
        b.getDouble(352), b.getDouble(360), b.getDouble(368),
        b.getDouble(376), b.getDouble(384), b.getDouble(392),
        srow, b.getInt(500), b.getInt(504), ascii(b, 240, 80)), file);
  }

  private static long checkedOffset(double voxOffset, Path file) throws NiftiFormatException {
    if (!(voxOffset >= 0) || voxOffset > Long.MAX_VALUE / 2 || voxOffset != Math.floor(voxOffset)) {
      throw new NiftiFormatException(file, "bad vox_offset " + voxOffset + ": must be a non-negative whole number of bytes");
    }
    return (long) voxOffset;
  }

  private static NiftiHeader validated(NiftiHeader h, Path file) throws NiftiFormatException {
    long rank = h.dim()[0];
    if (rank < 1 || rank > MAX_RANK) {
      throw new NiftiFormatException(file, "bad dimension count dim[0] = " + rank + ": must be 1 to 7");
    }
    long voxels = 1;
    for (int i = 1; i <= rank; i++) {
      long d = h.dim()[i];
      if (d < 1) {
        throw new NiftiFormatException(file, "bad dimension dim[" + i + "] = " + d + ": every dimension must be >= 1");
      }
      try {
        voxels = Math.multiplyExact(voxels, d);
      } catch (ArithmeticException e) {
        throw new NiftiFormatException(file, "dimensions overflow: " + java.util.Arrays.toString(h.shape()) + " is more voxels than fit in 64 bits");
      }
    }
    NiftiDatatype t = h.datatype();
    if (t == null) {
      throw new NiftiFormatException(file, "unsupported datatype code " + h.datatypeCode() + ": not a NIfTI datatype");
    }
    if (!t.isReadable()) {
      throw new NiftiFormatException(file, "unsupported datatype " + t.id() + " (code " + t.code()
          + "): brainbench reads real-valued scalar images only (uint8, int8, int16, uint16, int32, uint32, int64, float32, float64)");
    }
    try {
      Math.multiplyExact(voxels, (long) t.bytesPerVoxel());
    } catch (ArithmeticException e) {
      throw new NiftiFormatException(file, "dimensions overflow: " + voxels + " voxels of " + t.id() + " is more bytes than fit in 64 bits");
    }
    if (!h.pair() && h.voxOffset() < h.format().minSingleFileOffset()) {
      throw new NiftiFormatException(file, "bad vox_offset " + h.voxOffset() + ": a single-file "
          + (h.format() == NiftiFormat.NIFTI1 ? "NIfTI-1" : "NIfTI-2") + " image keeps its data at or after byte " + h.format().minSingleFileOffset());
    }
    return h;
  }

  /** Encodes a NIfTI-1 single-file header plus the four zero extension bytes (352 bytes). */
  static byte[] encodeNifti1(NiftiHeader h) {
    ByteBuffer b = ByteBuffer.allocate(NiftiFormat.NIFTI1.minSingleFileOffset()).order(h.byteOrder());
    b.putInt(0, 348);
    b.put(38, (byte) 'r'); // "regular", as other writers set it
    for (int i = 0; i < 8; i++) {
      b.putShort(40 + 2 * i, (short) h.dim()[i]);
    }
    b.putShort(68, (short) h.intentCode());
    b.putShort(70, (short) h.datatypeCode());
    b.putShort(72, (short) h.bitpix());
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, (float) h.pixdim()[i]);
    }
    b.putFloat(108, h.voxOffset());
    b.putFloat(112, (float) h.sclSlope());
    b.putFloat(116, (float) h.sclInter());
    b.put(123, (byte) h.xyztUnits());
    byte[] descrip = h.description().getBytes(StandardCharsets.US_ASCII);
    b.put(148, descrip, 0, Math.min(79, descrip.length));
    b.putShort(252, (short) h.qformCode());
    b.putShort(254, (short) h.sformCode());
    b.putFloat(256, (float) h.quaternB());
    b.putFloat(260, (float) h.quaternC());
    b.putFloat(264, (float) h.quaternD());
    b.putFloat(268, (float) h.qoffsetX());
    b.putFloat(272, (float) h.qoffsetY());
    b.putFloat(276, (float) h.qoffsetZ());
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        b.putFloat(280 + 16 * r + 4 * c, (float) h.srow()[r][c]);
      }
    }
    b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
    return b.array();
  }

  private static String ascii(ByteBuffer b, int offset, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      byte c = b.get(offset + i);
      if (c == 0) {
        break;
      }
      s.append((char) (c & 0xFF));
    }
    return s.toString();
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }
}
