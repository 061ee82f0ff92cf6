package org.brainbench.tasks.nifti;

/**
 * A decoded NIfTI image: its header and every voxel as float32 after scaling, in file order (the
 * first dimension fastest).
 */
public record NiftiImage(NiftiHeader header, float[] data) {
  public NiftiImage {
    if (data.length != header.voxelCount()) {
      throw new IllegalArgumentException("data has " + data.length + " voxels, header says " + header.voxelCount());
    }
  }
}
