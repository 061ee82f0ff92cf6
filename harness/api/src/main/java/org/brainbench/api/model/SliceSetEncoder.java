package org.brainbench.api.model;

/** The 2D encoder of the slice-set network ({@link SliceCnnGupta2021Spec}), by the authors' names. */
public enum SliceSetEncoder implements Choice {
  /** Their {@code encoder1}: blocks of 3x3 convolution, instance norm, 2x max-pooling and ReLU (ISBI 2021). */
  ENCODER1,
  /**
   * torchvision's ResNet-18 without {@code fc}, then a linear map to the slice width (their {@code
   * ResNetEncoder}, ISBI 2023); one-channel slices are repeated to the three RGB channels.
   */
  RESNET18;

  @Override
  public String toString() {
    return id();
  }
}
