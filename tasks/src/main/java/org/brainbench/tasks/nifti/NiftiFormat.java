package org.brainbench.tasks.nifti;

/** The two header layouts: NIfTI-1 (348-byte header) and NIfTI-2 (540-byte header). */
public enum NiftiFormat {
  NIFTI1(348, 352),
  NIFTI2(540, 544);

  private final int headerSize;
  private final int minSingleFileOffset;

  NiftiFormat(int headerSize, int minSingleFileOffset) {
    this.headerSize = headerSize;
    this.minSingleFileOffset = minSingleFileOffset;
  }

  /** {@code sizeof_hdr}. */
  public int headerSize() {
    return headerSize;
  }

  /** Header plus the 4 extension-flag bytes: the lowest legal {@code vox_offset} of a .nii file. */
  public int minSingleFileOffset() {
    return minSingleFileOffset;
  }

  /** The name used in {@code inspect} output. */
  public String id() {
    return this == NIFTI1 ? "nifti1" : "nifti2";
  }
}
