package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Small building blocks shared by the models, registering neutral parameter names as they go. */
final class Layers {
  /** DJL's code for nearest interpolation in {@code JniUtils.interpolate} (torch's kNearest). */
  private static final int NEAREST = 0;

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
  static NDArray own(NDArray result, NDArray stepArray) {
    result.attach(stepArray.getManager());
    return result;
  }

  /**
   * Nearest-neighbour 2x upsampling of every spatial axis of (N, C, h, w) or (N, C, d, h, w), with
   * libtorch's upsample_nearest kernels (what {@code F.interpolate(x, scale_factor=2)} runs). Two
   * cheaper-looking ways are slower (docs/performance.md): repeating each axis twice has a
   * backward that libtorch sums on one thread, and libtorch 2.x sends a 2D upsample whose output
   * is at most 64x64 through its channels-last kernel, which copies NCHW input and output to
   * channels-last and back. A 2D input is therefore upsampled as (N, C, 1, h, w) in 3D:
   * fwd+bwd of (256, 16, 32, 32) 98 ms, against 296 ms in 2D and 170 ms by repeats.
   */
  static NDArray upsample2x(NDArray x) {
    Shape s = x.getShape();
    if (s.dimension() == 4) {
      NDArray y = upsample(x.expandDims(2), new long[] {1, 2 * s.get(2), 2 * s.get(3)});
      return y.squeeze(2);
    }
    return upsample(x, new long[] {2 * s.get(2), 2 * s.get(3), 2 * s.get(4)});
  }

  private static NDArray upsample(NDArray x, long[] size) {
    return JniUtils.interpolate((PtNDArray) x, size, NEAREST, false);
  }

  /** LayerNorm over the last axis of (B, T, E), eps 1e-6 as timm's ViT. */
  static LayerNorm layerNorm() {
    return LayerNorm.builder().axis(2).optEpsilon(1e-6f).build();
  }

  /** 2D 3x3 convolution (no bias), batch norm, ReLU. */
  static SequentialBlock convBnRelu2d(NamedParameters names, String prefix, int out) {
    ConvBlock conv = ConvBlock.conv2d(out, 3, 1, 1, false);
    BatchNorm bn = batchNorm();
    names.addWeights(prefix + ".conv", conv);
    names.addBatchNorm(prefix + ".bn", bn);
    return new SequentialBlock().add(conv).add(bn).add(Activation.reluBlock());
  }

  /** Convolution (no bias), batch norm, ReLU; kernel 3 with padding 1, or kernel 1. */
  static SequentialBlock convBnRelu(NamedParameters names, String prefix, int out, int kernel) {
    return convBnRelu(names, prefix, out, kernel, false);
  }

  /** The same, for the layer that reads the model's input when {@code readsInput}. */
  static SequentialBlock convBnRelu(NamedParameters names, String prefix, int out, int kernel, boolean readsInput) {
    ConvBlock conv = ConvBlock.conv3d(out, kernel, 1, kernel / 2, false);
    if (readsInput) {
      conv.readsInput();
    }
    BatchNorm bn = batchNorm();
    names.addWeights(prefix + ".conv", conv);
    names.addBatchNorm(prefix + ".bn", bn);
    return new SequentialBlock().add(conv).add(bn).add(Activation.reluBlock());
  }
}
