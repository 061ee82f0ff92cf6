package org.brainbench.tasks.nifti;

import java.util.Locale;

/**
 * NIfTI voxel datatypes ({@code datatype} header field). Only the real-valued scalar types can be
 * read; complex, RGB and 128-bit types are recognised so that the error can name them.
 */
public enum NiftiDatatype {
  UINT8(2, 1, true),
  INT16(4, 2, true),
  INT32(8, 4, true),
  FLOAT32(16, 4, true),
  COMPLEX64(32, 8, false),
  FLOAT64(64, 8, true),
  RGB24(128, 3, false),
  INT8(256, 1, true),
  UINT16(512, 2, true),
  UINT32(768, 4, true),
  INT64(1024, 8, true),
  UINT64(1280, 8, false),
  FLOAT128(1536, 16, false),
  COMPLEX128(1792, 16, false),
  COMPLEX256(2048, 32, false),
  RGBA32(2304, 4, false),
  BINARY(1, 0, false);

  private final int code;
  private final int bytesPerVoxel;
  private final boolean readable;

  NiftiDatatype(int code, int bytesPerVoxel, boolean readable) {
    this.code = code;
    this.bytesPerVoxel = bytesPerVoxel;
    this.readable = readable;
  }

  /** The header code, e.g. 16 for float32. */
  public int code() {
    return code;
  }

  public int bytesPerVoxel() {
    return bytesPerVoxel;
  }

  /** Whether brainbench can decode voxels of this type (real-valued scalars). */
  public boolean isReadable() {
    return readable;
  }

  /** Whether values are integers (label maps must be stored in one of these, or in floats). */
  public boolean isInteger() {
    return this != FLOAT32 && this != FLOAT64 && this != FLOAT128 && readable;
  }

  /** The lower-case name used in {@code inspect} output: uint8, int16, float32 ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The datatype with this header code, or {@code null} if the code is not a NIfTI datatype. */
  public static NiftiDatatype fromCode(int code) {
    for (NiftiDatatype t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
