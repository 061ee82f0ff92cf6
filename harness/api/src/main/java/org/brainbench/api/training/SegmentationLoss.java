package org.brainbench.api.training;

/** The loss a segmentation model trains with: the model's protocol chooses it ({@code ModelSpec.segmentationLoss}). */
public enum SegmentationLoss {
  /** brainbench's: voxel cross-entropy plus 1 - the mean soft Dice of the foreground classes over the whole batch (smoothing 1e-5). */
  CROSS_ENTROPY_DICE,
  /**
   * TransSeg's (MONAI 0.6's {@code DiceFocalLoss(to_onehot_y=True, softmax=True)}) with every axial
   * slice a sample, as their windows are: per slice and class, background included, 1 - (2 sum p t
   * + 1e-5) / (sum t + sum p + 1e-5), averaged; plus the mean over slices, classes and voxels of
   * -(1 - p)^2 t log p (softmax focal loss, gamma 2).
   */
  DICE_FOCAL_PER_SLICE
}
