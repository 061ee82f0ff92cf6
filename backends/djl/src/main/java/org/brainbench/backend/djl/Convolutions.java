package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Every convolution of the DJL backend goes through here, so that a known fault of libtorch's
 * oneDNN on some CPUs cannot reach a result.
 *
 * <p>The fault: libtorch 2.7.1's oneDNN (3.7.1) stores channels in blocks of 16 (8 with AVX2) and,
 * on some CPUs, computes wrong values wherever a block is only partly filled: the forward pass when
 * the input has more than 16 channels and not a multiple of 16 (20, 24, 40...), and the input
 * gradient whenever the input or output channels are not a multiple of 16 (4, 8, 20...). It was found on an
 * AMD EPYC (family 1Ah, a virtual machine that reports no cache topology) where a 20-channel 3x3
 * convolution was off by up to 1.6 against a direct computation and the same layers on
 * Deeplearning4j; Debian's PyTorch 1.13 (oneDNN 2.6) on the same CPU was right. Limiting oneDNN's
 * instruction set does not help short of SSE4.1, which made training steps 2-5x slower.
 *
 * <p>{@link ConvolutionProbe} checks the engine once per process. When it finds the fault, the
 * channels are padded with zeros to whole blocks here (the input channels above 16, and both the
 * input and the output channels when an input gradient is needed) and the padding is cut off again: the same function,
 * and the same gradients, computed only on whole blocks. Elsewhere nothing changes.
 */
final class Convolutions {
  /** oneDNN's widest channel block (AVX-512); whole blocks of 16 are whole blocks of 8 too. */
  static final int BLOCK = 16;

  private Convolutions() {}

  /**
   * Convolution of (N, C, spatial...) with weights (O, C, kernel...), optional bias, no groups:
   * what {@code Conv2d.conv2d}/{@code Conv3d.conv3d} compute.
   *
   * @param inputGradient whether the backward pass will compute the gradient of {@code x} (DJL
   *     cannot tell: its {@code hasGradient} is false for every array an operation produced)
   */
  static NDArray conv(NDArray x, NDArray weight, NDArray bias, Shape stride, Shape padding, Shape dilation, boolean inputGradient) {
    if (!ConvolutionProbe.padsChannels()) {
      return raw(x, weight, bias, stride, padding, dilation);
    }
    long in = x.getShape().get(1);
    long out = weight.getShape().get(0);
    long inPadded = in % BLOCK != 0 && (in > BLOCK || inputGradient) ? roundUp(in) : in;
    long outPadded = out % BLOCK != 0 && inputGradient ? roundUp(out) : out;
    if (inPadded == in && outPadded == out) {
      return raw(x, weight, bias, stride, padding, dilation);
    }
    NDArray xp = padAxis(x, 1, inPadded, x);
    NDArray wp = padAxis(padAxis(weight, 1, inPadded, x), 0, outPadded, x);
    NDArray bp = bias == null ? null : padAxis(bias, 0, outPadded, x);
    NDArray y = raw(xp, wp, bp, stride, padding, dilation);
    return outPadded == out ? y : y.get(":, 0:" + out);
  }

  private static NDArray raw(NDArray x, NDArray weight, NDArray bias, Shape stride, Shape padding, Shape dilation) {
    return x.getNDArrayInternal().convolution(x, weight, bias, stride, padding, dilation, 1).singletonOrThrow();
  }

  static long roundUp(long channels) {
    return (channels + BLOCK - 1) / BLOCK * BLOCK;
  }

  /**
   * The array with zeros appended along {@code axis} up to {@code size} (itself when it is that
   * long), owned by the manager of {@code step}: a parameter's array belongs to the model's
   * manager, and its padded copy must be freed with the step, not kept for the model's lifetime.
   */
  private static NDArray padAxis(NDArray a, int axis, long size, NDArray step) {
    long have = a.getShape().get(axis);
    if (have == size) {
      return a;
    }
    long[] shape = a.getShape().getShape().clone(); // DJL hands out its own array
    shape[axis] = size - have;
    NDArray zeros = step.getManager().zeros(new Shape(shape), a.getDataType());
    return Layers.own(NDArrays.concat(new NDList(a, zeros), axis), step);
  }
}
