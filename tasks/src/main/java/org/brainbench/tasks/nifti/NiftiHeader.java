package org.brainbench.tasks.nifti;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.brainbench.tasks.volume.Affine;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that brainbench uses, as stored (NIfTI-1 floats widened
 * to double). Derived values ({@link #spacing()}, {@link #affine()}) follow the NIfTI standard and
 * nibabel, including nibabel's load-time fixes: a {@code qfac} other than -1 counts as 1, and zero
 * or negative spatial voxel sizes become 1 or their absolute value.
 *
 * @param dim {@code dim[0..7]}: the rank, then the size of each dimension
 * @param datatype the decoded {@code datatype}, or null when the code is not a NIfTI type
 * @param pixdim {@code pixdim[0..7]}: qfac, then voxel sizes
 * @param pair whether the header names a separate image file (magic {@code ni1}/{@code ni2})
 * @param srow the sform rows {@code srow_x, srow_y, srow_z}
 */
public record NiftiHeader(
    NiftiFormat format,
    ByteOrder byteOrder,
    boolean pair,
    long[] dim,
    int datatypeCode,
    NiftiDatatype datatype,
    int bitpix,
    double[] pixdim,
    long voxOffset,
    double sclSlope,
    double sclInter,
    int qformCode,
    int sformCode,
    double quaternB,
    double quaternC,
    double quaternD,
    double qoffsetX,
    double qoffsetY,
    double qoffsetZ,
    double[][] srow,
    int xyztUnits,
    int intentCode,
    String description) {

  /** Number of dimensions, {@code dim[0]}. */
  public int rank() {
    return (int) dim[0];
  }

  /** The size of every dimension, {@code dim[1..rank]}. */
  public long[] shape() {
    return Arrays.copyOfRange(dim, 1, rank() + 1);
  }

  /** Voxels in the whole image (all dimensions); validated not to overflow when parsed. */
  public long voxelCount() {
    long n = 1;
    for (long d : shape()) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Bytes of voxel data. */
  public long dataBytes() {
    return Math.multiplyExact(voxelCount(), (long) datatype.bytesPerVoxel());
  }

  /**
   * Voxel sizes {@code pixdim[1..rank]}; the first three made positive (0 becomes 1, negative
   * values their absolute value) as nibabel does when it loads a header.
   */
  public double[] spacing() {
    double[] s = Arrays.copyOfRange(pixdim, 1, rank() + 1);
    for (int i = 0; i < Math.min(3, s.length); i++) {
      s[i] = fixedVoxelSize(s[i]);
    }
    return s;
  }

  /** The three spatial voxel sizes (1 for dimensions the image does not have). */
  public double[] spatialSpacing() {
    return new double[] {fixedVoxelSize(pixdim[1]), fixedVoxelSize(pixdim[2]), fixedVoxelSize(pixdim[3])};
  }

  private static double fixedVoxelSize(double v) {
    if (v == 0 || Double.isNaN(v)) {
      return 1;
    }
    return Math.abs(v);
  }

  /** {@code pixdim[0]} as the standard reads it: -1 flips the third axis, anything else is 1. */
  public double qfac() {
    return pixdim[0] == -1 ? -1 : 1;
  }

  /** Whether {@code scl_slope} is a valid scale (neither 0 nor NaN nor infinite). */
  public boolean hasScaling() {
    return sclSlope != 0 && Double.isFinite(sclSlope);
  }

  /** The slope applied to stored values: {@code scl_slope}, or 1 when it means "no scaling". */
  public double effectiveSlope() {
    return hasScaling() ? sclSlope : 1;
  }

  /**
   * The intercept applied to stored values; 0 when there is no scaling, and also when it is not
   * finite (nibabel refuses such files; brainbench reads them as unshifted).
   */
  public double effectiveIntercept() {
    return hasScaling() && Double.isFinite(sclInter) ? sclInter : 0;
  }

  /**
   * The voxel-to-world affine: the sform if {@code sform_code > 0}, else the qform if {@code
   * qform_code > 0}, else the voxel-size diagonal. Codes above 5 are not NIfTI codes and count as 0
   * (as nibabel resets them on load).
   */
  public Affine affine() {
    if (isValidXformCode(sformCode)) {
      return sformAffine();
    }
    if (isValidXformCode(qformCode)) {
      return qformAffine();
    }
    double[] s = spatialSpacing();
    return Affine.diagonal(s[0], s[1], s[2]);
  }

  private static boolean isValidXformCode(int code) {
    return code >= 1 && code <= 5;
  }

  /** The sform rows as an affine, whatever {@code sform_code} says. */
  public Affine sformAffine() {
    return Affine.of(srow);
  }

  /** The qform (quaternion, voxel sizes, qfac, offsets) as an affine, whatever the code says. */
  public Affine qformAffine() {
    double[] rotation = Quaternions.rotationMatrix(quaternB, quaternC, quaternD);
    double[] s = spatialSpacing();
    s[2] *= qfac();
    double[] linear = new double[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        linear[3 * r + c] = rotation[3 * r + c] * s[c];
      }
    }
    return Affine.of(linear, new double[] {qoffsetX, qoffsetY, qoffsetZ});
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NiftiHeader h
        && format == h.format
        && byteOrder.equals(h.byteOrder)
        && pair == h.pair
        && Arrays.equals(dim, h.dim)
        && datatypeCode == h.datatypeCode
        && bitpix == h.bitpix
        && Arrays.equals(pixdim, h.pixdim)
        && voxOffset == h.voxOffset
        && Double.compare(sclSlope, h.sclSlope) == 0
        && Double.compare(sclInter, h.sclInter) == 0
        && qformCode == h.qformCode
        && sformCode == h.sformCode
        && Double.compare(quaternB, h.quaternB) == 0
        && Double.compare(quaternC, h.quaternC) == 0
        && Double.compare(quaternD, h.quaternD) == 0
        && Double.compare(qoffsetX, h.qoffsetX) == 0
        && Double.compare(qoffsetY, h.qoffsetY) == 0
        && Double.compare(qoffsetZ, h.qoffsetZ) == 0
        && Arrays.deepEquals(srow, h.srow)
        && xyztUnits == h.xyztUnits
        && intentCode == h.intentCode
        && description.equals(h.description);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dim) * 31 + datatypeCode;
  }

  @Override
  public String toString() {
    return format.id() + " " + Arrays.toString(shape()) + " " + (datatype == null ? datatypeCode : datatype.id());
  }
}
