package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2D or 3D convolution layer (no groups, no dilation) with DJL's parameter names and
 * initialisers ({@code weight}, {@code bias}), computed by {@link Convolutions} instead of DJL's
 * {@code Conv2d}/{@code Conv3d}, which call the engine directly. In training, a layer's input is
 * taken to need a gradient unless the layer was marked with {@link #readsInput}.
 */
final class ConvBlock extends AbstractBlock {
  private final int filters;
  private final Shape kernel;
  private final Shape stride;
  private final Shape padding;
  private final Parameter weight;
  private final Parameter bias;
  private boolean readsInput;

  private ConvBlock(int filters, Shape kernel, Shape stride, Shape padding, boolean bias) {
    this.filters = filters;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    this.bias = bias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build()) : null;
  }

  /** A 2D convolution with a square kernel, stride and zero padding. */
  static ConvBlock conv2d(int filters, int kernel, int stride, int padding, boolean bias) {
    return new ConvBlock(filters, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding), bias);
  }

  /** A 3D convolution with a cubic kernel, stride and zero padding. */
  static ConvBlock conv3d(int filters, int kernel, int stride, int padding, boolean bias) {
    return new ConvBlock(filters, new Shape(kernel, kernel, kernel), new Shape(stride, stride, stride), new Shape(padding, padding, padding), bias);
  }

  /**
   * Marks the layer that reads the model's input (or anything else that never needs a gradient), so
   * that {@link Convolutions} does not pad its input channels for a gradient nobody computes.
   */
  ConvBlock readsInput() {
    readsInput = true;
    return this;
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long in = inputShapes[0].get(1);
    long[] w = new long[2 + kernel.dimension()];
    w[0] = filters;
    w[1] = in;
    System.arraycopy(kernel.getShape(), 0, w, 2, kernel.dimension());
    weight.setShape(new Shape(w));
    if (bias != null) {
      bias.setShape(new Shape(filters));
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
    return new NDList(Convolutions.conv(x, w, b, stride, padding, dilation(), training && !readsInput));
  }

  private Shape dilation() {
    long[] ones = new long[kernel.dimension()];
    java.util.Arrays.fill(ones, 1);
    return new Shape(ones);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long[] out = new long[in.dimension()];
    out[0] = in.get(0);
    out[1] = filters;
    for (int a = 0; a < kernel.dimension(); a++) {
      out[2 + a] = (in.get(2 + a) + 2 * padding.get(a) - kernel.get(a)) / stride.get(a) + 1;
    }
    return new Shape[] {new Shape(out)};
  }
}
