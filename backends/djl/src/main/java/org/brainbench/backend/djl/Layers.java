package org.brainbench.backend.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;

/** Small building blocks shared by the models, registering neutral parameter names as they go. */
final class Layers {
  private Layers() {}

  /** Batch norm as PyTorch's BatchNorm3d: eps 1e-5, running statistics updated with rate 0.1. */
  static BatchNorm batchNorm() {
    // DJL's momentum is the weight of the old running value: 0.9 here is PyTorch's momentum 0.1
    return BatchNorm.builder().optEpsilon(1e-5f).optMomentum(0.9f).build();
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
