package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A 2D CNN over slices (N, C, h, w): per level a 3x3 convolution (no bias), batch norm or instance
 * norm (no affine parameters), ReLU; 2x max-pooling between levels and, if asked, after the last.
 * Forward returns every level's features before pooling, then the final output.
 */
final class ConvEncoder2d extends AbstractBlock {
  private final List<ConvBlock> convs = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();
  private final boolean instanceNorm;
  private final boolean poolLast;

  ConvEncoder2d(NamedParameters names, String prefix, List<Integer> channels, boolean instanceNorm, boolean poolLast) {
    this.instanceNorm = instanceNorm;
    this.poolLast = poolLast;
    for (int i = 0; i < channels.size(); i++) {
      ConvBlock conv = ConvBlock.conv2d(channels.get(i), 3, 1, 1, false);
      addChildBlock("conv" + i, i == 0 ? conv.readsInput() : conv);
      convs.add(conv);
      names.addWeights(prefix + ".blocks." + i + ".conv", conv);
      if (!instanceNorm) {
        BatchNorm bn = addChildBlock("bn" + i, Layers.batchNorm());
        norms.add(bn);
        names.addBatchNorm(prefix + ".blocks." + i + ".bn", bn);
      }
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDList out = new NDList();
    for (int i = 0; i < convs.size(); i++) {
      if (i > 0) {
        x = pool(x);
      }
      x = convs.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      x = instanceNorm ? instanceNorm(x) : norms.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      x = Activation.relu(x);
      out.add(x);
    }
    out.add(poolLast ? pool(x) : x);
    return out;
  }

  /**
   * Per sample and channel: subtract the spatial mean, divide by the spatial sd (biased, eps 1e-5).
   * Written as PyTorch's fused layer norm over the two spatial axes (with a unit scale and zero
   * shift), which is the same function: the mean/subtract/square/divide chain it replaced made the
   * slice CNN's training step 1.6x slower than PyTorch-Python's (docs/performance.md).
   */
  static NDArray instanceNorm(NDArray x) {
    Shape spatial = x.getShape().slice(2);
    NDManager m = x.getManager();
    try (NDArray scale = m.ones(spatial); NDArray shift = m.zeros(spatial)) {
      return x.getNDArrayInternal().layerNorm(x, spatial, scale, shift, 1e-5f).singletonOrThrow();
    }
  }

  private static NDArray pool(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    long n = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    long c = s.get(1);
    for (int i = 0; i < convs.size(); i++) {
      if (i > 0) {
        h /= 2;
        w /= 2;
      }
      Shape in = new Shape(n, c, h, w);
      convs.get(i).initialize(manager, dataType, in);
      c = convs.get(i).getOutputShapes(new Shape[] {in})[0].get(1);
      if (!instanceNorm) {
        norms.get(i).initialize(manager, dataType, new Shape(n, c, h, w));
      }
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    long h = s.get(2);
    long w = s.get(3);
    Shape[] out = new Shape[convs.size() + 1];
    for (int i = 0; i < convs.size(); i++) {
      if (i > 0) {
        h /= 2;
        w /= 2;
      }
      out[i] = new Shape(s.get(0), convs.get(i).getOutputShapes(new Shape[] {s})[0].get(1), h, w);
    }
    Shape last = out[convs.size() - 1];
    out[convs.size()] = poolLast ? new Shape(last.get(0), last.get(1), last.get(2) / 2, last.get(3) / 2) : last;
    return out;
  }
}
