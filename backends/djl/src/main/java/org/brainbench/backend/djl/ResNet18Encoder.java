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
 * torchvision's ResNet-18 trunk on 2D slices (conv1 7x7 stride 2, batch norm, ReLU, 3x3 max-pool
 * stride 2, four stages of two basic blocks; no fc), with torchvision's parameter names under a
 * prefix ({@code encoder.layer2.0.downsample.0.weight}), so ImageNet checkpoints load by name.
 * Forward returns the final feature map (N, 8w, h/32, w/32).
 */
final class ResNet18Encoder extends AbstractBlock {
  private final ConvBlock conv1;
  private final BatchNorm bn1;
  private final List<BasicBlock> blocks = new ArrayList<>();

  ResNet18Encoder(NamedParameters names, String prefix, int width) {
    conv1 = addChildBlock("conv1", conv(width, 7, 2, 3).readsInput());
    bn1 = addChildBlock("bn1", Layers.batchNorm());
    names.addWeights(prefix + ".conv1", conv1);
    names.addBatchNorm(prefix + ".bn1", bn1);
    int in = width;
    for (int stage = 0; stage < 4; stage++) {
      int c = width << stage;
      for (int b = 0; b < 2; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        boolean down = b == 0 && (stride != 1 || in != c);
        String name = prefix + ".layer" + (stage + 1) + "." + b;
        blocks.add(addChildBlock("layer" + (stage + 1) + "_" + b, new BasicBlock(names, name, c, stride, down)));
        in = c;
      }
    }
  }

  static ConvBlock conv(int out, int kernel, int stride, int padding) {
    return ConvBlock.conv2d(out, kernel, stride, padding, false);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = conv1.forward(ps, inputs, training).singletonOrThrow();
    x = Activation.relu(bn1.forward(ps, new NDList(x), training).singletonOrThrow());
    x = Pool.maxPool2d(x, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
    for (BasicBlock b : blocks) {
      x = b.forward(ps, new NDList(x), training).singletonOrThrow();
    }
    return new NDList(x);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    conv1.initialize(manager, dataType, s);
    Shape x = conv1.getOutputShapes(new Shape[] {s})[0];
    bn1.initialize(manager, dataType, x);
    x = new Shape(x.get(0), x.get(1), (x.get(2) + 2 - 3) / 2 + 1, (x.get(3) + 2 - 3) / 2 + 1);
    for (BasicBlock b : blocks) {
      b.initialize(manager, dataType, x);
      x = b.getOutputShapes(new Shape[] {x})[0];
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    Shape x = conv1.getOutputShapes(new Shape[] {s})[0];
    x = new Shape(x.get(0), x.get(1), (x.get(2) + 2 - 3) / 2 + 1, (x.get(3) + 2 - 3) / 2 + 1);
    for (BasicBlock b : blocks) {
      x = b.getOutputShapes(new Shape[] {x})[0];
    }
    return new Shape[] {x};
  }

  /** conv3x3-bn-relu-conv3x3-bn plus the (downsampled) input, then ReLU. */
  private static final class BasicBlock extends AbstractBlock {
    private final ConvBlock conv1;
    private final BatchNorm bn1;
    private final ConvBlock conv2;
    private final BatchNorm bn2;
    private final ConvBlock downConv;
    private final BatchNorm downBn;

    BasicBlock(NamedParameters names, String prefix, int channels, int stride, boolean down) {
      conv1 = addChildBlock("conv1", conv(channels, 3, stride, 1));
      bn1 = addChildBlock("bn1", Layers.batchNorm());
      conv2 = addChildBlock("conv2", conv(channels, 3, 1, 1));
      bn2 = addChildBlock("bn2", Layers.batchNorm());
      names.addWeights(prefix + ".conv1", conv1);
      names.addBatchNorm(prefix + ".bn1", bn1);
      names.addWeights(prefix + ".conv2", conv2);
      names.addBatchNorm(prefix + ".bn2", bn2);
      if (down) {
        downConv = addChildBlock("down", conv(channels, 1, stride, 0));
        downBn = addChildBlock("downbn", Layers.batchNorm());
        names.addWeights(prefix + ".downsample.0", downConv);
        names.addBatchNorm(prefix + ".downsample.1", downBn);
      } else {
        downConv = null;
        downBn = null;
      }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      NDArray h = Activation.relu(bn1.forward(ps, conv1.forward(ps, inputs, training), training).singletonOrThrow());
      h = bn2.forward(ps, conv2.forward(ps, new NDList(h), training), training).singletonOrThrow();
      NDArray identity = downConv == null ? x : downBn.forward(ps, downConv.forward(ps, inputs, training), training).singletonOrThrow();
      return new NDList(Activation.relu(h.add(identity)));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
      Shape s = inputShapes[0];
      conv1.initialize(manager, dataType, s);
      Shape mid = conv1.getOutputShapes(new Shape[] {s})[0];
      bn1.initialize(manager, dataType, mid);
      conv2.initialize(manager, dataType, mid);
      bn2.initialize(manager, dataType, mid);
      if (downConv != null) {
        downConv.initialize(manager, dataType, s);
        downBn.initialize(manager, dataType, mid);
      }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return conv1.getOutputShapes(inputShapes);
    }
  }
}
