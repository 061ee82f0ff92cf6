package org.brainbench.tasks.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.volume.Affine;

/**
 * Writes NIfTI-1 single files ({@code .nii.gz}, or {@code .nii} when the name says so) with uint8,
 * int16 or float32 voxels, the affine as sform and as the nearest qform (both with the same code),
 * little-endian. The file appears atomically: it is written beside its target and then renamed.
 */
public final class NiftiWriter {
  /** NIfTI xform codes. */
  public static final int XFORM_SCANNER = 1;
  public static final int XFORM_ALIGNED = 2;
  public static final int XFORM_MNI_152 = 4;

  private static final int UNITS_MM = 2;
  private static final int CHUNK_VOXELS = 1 << 18;

  /**
   * How to store voxels.
   *
   * @param datatype uint8, int16 or float32
   * @param scaleToFit for integer types: store {@code (v - inter) / slope} with slope and intercept
   *     chosen so the data's range fills the type (for images); otherwise values are rounded and
   *     must fit (for label maps)
   * @param xformCode the qform and sform code (1 scanner, 2 aligned, 4 MNI-152)
   * @param compressionLevel deflate level 1..9 for {@code .nii.gz}
   */
  public record Options(NiftiDatatype datatype, boolean scaleToFit, int xformCode, int compressionLevel, String description) {
    public Options {
      if (datatype != NiftiDatatype.UINT8 && datatype != NiftiDatatype.INT16 && datatype != NiftiDatatype.FLOAT32) {
        throw new IllegalArgumentException("can write uint8, int16 or float32, not " + datatype.id());
      }
      if (xformCode < 0 || xformCode > 5) {
        throw new IllegalArgumentException("xform code must be 0..5, got " + xformCode);
      }
      if (compressionLevel < 1 || compressionLevel > 9) {
        throw new IllegalArgumentException("compression level must be 1..9, got " + compressionLevel);
      }
      if (description == null) {
        description = "";
      }
    }

    public static Options float32() {
      return new Options(NiftiDatatype.FLOAT32, false, XFORM_ALIGNED, 6, "brainbench");
    }

    /** int16 with slope/intercept filling the range: a scanner-like image at half the size. */
    public static Options scaledInt16() {
      return new Options(NiftiDatatype.INT16, true, XFORM_ALIGNED, 6, "brainbench");
    }

    /** uint8 label map, values stored exactly. */
    public static Options labels() {
      return new Options(NiftiDatatype.UINT8, false, XFORM_ALIGNED, 6, "brainbench labels");
    }

    public Options withXformCode(int code) {
      return new Options(datatype, scaleToFit, code, compressionLevel, description);
    }

    public Options withCompressionLevel(int level) {
      return new Options(datatype, scaleToFit, xformCode, level, description);
    }

    public Options withDescription(String text) {
      return new Options(datatype, scaleToFit, xformCode, compressionLevel, text);
    }
  }

  private NiftiWriter() {}

  /**
   * Writes an image of up to 7 dimensions. The affine maps the first three; later dimensions get
   * voxel size 1.
   *
   * @param shape sizes of each dimension, the first fastest in {@code data}
   */
  public static void write(Path file, int[] shape, float[] data, Affine affine, Options options) throws IOException {
    if (shape.length < 1 || shape.length > 7) {
      throw new IllegalArgumentException("NIfTI holds 1 to 7 dimensions, got " + shape.length);
    }
    long voxels = 1;
    for (int d : shape) {
      if (d < 1 || d > Short.MAX_VALUE) {
        throw new IllegalArgumentException("NIfTI-1 dimensions are 1.." + Short.MAX_VALUE + ", got " + Arrays.toString(shape));
      }
      voxels *= d;
    }
    if (voxels != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + voxels + " voxels, data has " + data.length);
    }
    double[] slopeInter = slopeAndIntercept(data, options);
    NiftiHeader header = header(shape, affine, options, slopeInter[0], slopeInter[1]);
    AtomicFiles.write(file, raw -> {
      OutputStream out = wrap(raw, file, options.compressionLevel());
      out.write(NiftiHeaderCodec.encodeNifti1(header));
      writeVoxels(out, data, options.datatype(), slopeInter[0], slopeInter[1]);
      out.close(); // finishes the gzip trailer and flushes every buffer into the file
    });
  }

  /** The NIfTI-1 header that {@link #write} stores (slope 1, intercept 0). */
  static NiftiHeader header(int[] shape, Affine affine, Options options, double slope, double inter) {
    long[] dim = new long[8];
    dim[0] = shape.length;
    Arrays.fill(dim, 1, 8, 1);
    for (int i = 0; i < shape.length; i++) {
      dim[i + 1] = shape[i];
    }
    double[] zooms = affine.spacing();
    double[] rotation = affine.linear();
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        rotation[3 * r + c] /= zooms[c];
      }
    }
    double qfac = 1;
    if (det3(rotation) < 0) {
      qfac = -1;
      rotation[2] = -rotation[2];
      rotation[5] = -rotation[5];
      rotation[8] = -rotation[8];
    }
    double[] q = Quaternions.fromRotation(Quaternions.orthonormalize(rotation));
    double[] pixdim = new double[8];
    Arrays.fill(pixdim, 1);
    pixdim[0] = qfac;
    pixdim[1] = zooms[0];
    pixdim[2] = zooms[1];
    pixdim[3] = zooms[2];
    double[] t = affine.translation();
    double[][] srow = new double[3][];
    double[][] a = affine.toArray();
    System.arraycopy(a, 0, srow, 0, 3);
    NiftiDatatype type = options.datatype();
    return new NiftiHeader(NiftiFormat.NIFTI1, ByteOrder.LITTLE_ENDIAN, false, dim, type.code(), type, 8 * type.bytesPerVoxel(),
        pixdim, NiftiFormat.NIFTI1.minSingleFileOffset(), slope, inter, options.xformCode(), options.xformCode(),
        q[1], q[2], q[3], t[0], t[1], t[2], srow, UNITS_MM, 0, options.description());
  }

  private static double[] slopeAndIntercept(float[] data, Options options) {
    NiftiDatatype type = options.datatype();
    if (type == NiftiDatatype.FLOAT32) {
      return new double[] {1, 0};
    }
    double lo = type == NiftiDatatype.UINT8 ? 0 : Short.MIN_VALUE;
    double hi = type == NiftiDatatype.UINT8 ? 255 : Short.MAX_VALUE;
    if (!options.scaleToFit()) {
      for (float v : data) {
        if (!(v >= lo && v <= hi) || v != Math.rint(v)) {
          throw new IllegalArgumentException("value " + v + " cannot be stored exactly as " + type.id());
        }
      }
      return new double[] {1, 0};
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (float v : data) {
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (min > max) {
      return new double[] {1, 0};
    }
    if (min >= lo && max <= hi && isWholeNumbers(data)) {
      return new double[] {1, 0};
    }
    // slope and intercept are stored as float32: round them first so encoding uses what is stored
    double slope = (float) (max > min ? (max - min) / (hi - lo) : 1);
    double inter = (float) (min - lo * slope);
    return new double[] {slope, inter};
  }

  private static boolean isWholeNumbers(float[] data) {
    for (float v : data) {
      if (v != Math.rint(v)) {
        return false;
      }
    }
    return true;
  }

  private static void writeVoxels(OutputStream out, float[] data, NiftiDatatype type, double slope, double inter) throws IOException {
    int bpv = type.bytesPerVoxel();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK_VOXELS * bpv).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < data.length; start += CHUNK_VOXELS) {
      int n = Math.min(CHUNK_VOXELS, data.length - start);
      buf.clear();
      switch (type) {
        case FLOAT32 -> buf.asFloatBuffer().put(data, start, n);
        case INT16 -> {
          for (int i = 0; i < n; i++) {
            buf.putShort(2 * i, (short) stored(data[start + i], slope, inter, Short.MIN_VALUE, Short.MAX_VALUE));
          }
        }
        case UINT8 -> {
          for (int i = 0; i < n; i++) {
            buf.put(i, (byte) stored(data[start + i], slope, inter, 0, 255));
          }
        }
        default -> throw new IllegalStateException(type.id());
      }
      out.write(buf.array(), 0, n * bpv);
    }
  }

  private static long stored(float v, double slope, double inter, long lo, long hi) {
    if (Float.isNaN(v)) {
      return 0;
    }
    long s = Math.round((v - inter) / slope);
    return Math.max(lo, Math.min(hi, s));
  }

  private static double det3(double[] a) {
    return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  }

  private static OutputStream wrap(OutputStream file, Path target, int level) throws IOException {
    OutputStream raw = new BufferedOutputStream(file, 1 << 16);
    if (target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
      return new GZIPOutputStream(raw, 1 << 16) {
        {
          def.setLevel(level);
        }
      };
    }
    return raw;
  }
}
