package org.brainbench.tasks.volume;

/** How resampling reads between voxels: trilinear for images, nearest for label maps. */
public enum Interpolation {
  LINEAR,
  NEAREST
}
