package org.brainbench.backend.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;

/** Small building blocks shared by the models, registering neutral parameter names as they go. */
final class Layers {
  private Layers() {}

  /** Batch norm as PyTorch's BatchNorm3d: eps 1e-5, running statistics updated with rate 0.1. */
  static BatchNorm batchNorm() {
    // DJL's momentum is the weight of the old running value: 0.9 here is PyTorch's momentum 0.1
    return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
  }

  /**
   * Moves the result of an operation whose first operand was a parameter (and which DJL therefore
   * gave to the model's long-lived manager) to the manager of a per-step array, so it is freed
   * with the step instead of piling up for the model's lifetime.
   */
  static ai.djl.ndarray.NDArray own(ai.djl.ndarray.NDArray result, ai.djl.ndarray.NDArray stepArray) {
    result.attach(stepArray.getManager());
    return result;
  }

  /** LayerNorm over the last axis of (B, T, E), eps 1e-6 as timm's ViT. */
  static LayerNorm layerNorm() {
    return LayerNorm.builder().axis(2).optEpsilon(1e-6f).build();
  }

  /** 2D 3x3 convolution (no bias), batch norm, ReLU. */
  static SequentialBlock convBnRelu2d(NamedParameters names, String prefix, int out) {
    Conv2d conv = Conv2d.builder().setFilters(out).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false).build();
    BatchNorm bn = batchNorm();
    names.addWeights(prefix + ".conv", conv);
    names.addBatchNorm(prefix + ".bn", bn);
    return new SequentialBlock().add(conv).add(bn).add(Activation.reluBlock());
  }

  /** Convolution (no bias), batch norm, ReLU; kernel 3 with padding 1, or kernel 1. */
  static SequentialBlock convBnRelu(NamedParameters names, String prefix, int out, int kernel) {
    Conv3d conv = Conv3d.builder()
        .setFilters(out)
        .setKernelShape(new Shape(kernel, kernel, kernel))
        .optPadding(new Shape(kernel / 2, kernel / 2, kernel / 2))
        .optBias(false)
        .build();
    BatchNorm bn = batchNorm();
    names.addWeights(prefix + ".conv", conv);
    names.addBatchNorm(prefix + ".bn", bn);
    return new SequentialBlock().add(conv).add(bn).add(Activation.reluBlock());
  }
}
