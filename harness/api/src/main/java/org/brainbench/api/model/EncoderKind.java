package org.brainbench.api.model;

/** The 2D slice encoder of the slice-based models. */
public enum EncoderKind implements Choice {
  /** Blocks of 3x3 convolution, normalisation, pooling and ReLU. */
  CNN,
  /** torchvision's ResNet-18 trunk. */
  RESNET18;

  @Override
  public String toString() {
    return id();
  }
}
