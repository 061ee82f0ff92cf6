package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant inside a forward pass that autograd differentiates.
 *
 * <p>DJL's {@code x.mul(2)} (likewise {@code div}, {@code maximum}, {@code pow} with a number)
 * wraps the number in a tensor that borrows a Java direct buffer, runs the op and closes the tensor
 * at once. Autograd keeps that tensor for the backward pass (the gradient of {@code x * c} is
 * {@code c}), but the memory is only borrowed: once the garbage collector frees the buffer, the
 * backward pass reads whatever was written there since. When that happens depends on when the
 * collector runs, so gradients changed from run to run (this was the inflated ViT's
 * nondeterminism: its attention scale; {@code ScalarsTest} shows input gradients off by up to 1.8
 * under allocation pressure). The constants made here are allocated by libtorch, and autograd's
 * reference keeps them alive. Adding or subtracting a number is safe as DJL does it (autograd keeps
 * nothing of the constant), as is any op on tensors that need no gradient.
 *
 * <p>The constant is a 0-dimensional tensor like DJL's, so results are bitwise those of DJL's
 * scalar ops whenever those read the right value.
 */
final class Scalars {
  private Scalars() {}

  static NDArray mul(NDArray x, double c) {
    return x.mul(constant(x, c));
  }

  static NDArray div(NDArray x, double c) {
    return x.div(constant(x, c));
  }

  static NDArray maximum(NDArray x, double c) {
    return x.maximum(constant(x, c));
  }

  /** A 0-dimensional tensor of {@code x}'s type holding {@code c}, in memory libtorch owns. */
  static NDArray constant(NDArray like, double c) {
    return like.getManager().full(new Shape(), (float) c, like.getDataType());
  }
}
