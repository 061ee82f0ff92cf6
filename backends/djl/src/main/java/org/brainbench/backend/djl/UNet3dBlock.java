package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A 3D U-Net from conv-norm-ReLU blocks: encoder levels with 2x max-pooling between them, decoder
 * levels that upsample 2x (nearest), concatenate the encoder's features of the same level and
 * convolve, and a 1x1x1 convolution to class scores (logits, N x K x D x H x W).
 */
final class UNet3dBlock extends AbstractBlock {
  private final List<SequentialBlock> encoders = new ArrayList<>();
  private final List<SequentialBlock> decoders = new ArrayList<>();
  private final ConvBlock classifier;
  private final List<Integer> widths;
  private final int classes;

  UNet3dBlock(List<Integer> widths, int classes, NamedParameters names) {
    this.widths = List.copyOf(widths);
    this.classes = classes;
    for (int l = 0; l < widths.size(); l++) {
      encoders.add(addChildBlock("encoder" + l, Layers.convBnRelu(names, "encoder." + l, widths.get(l), 3, l == 0)));
    }
    for (int l = widths.size() - 2; l >= 0; l--) {
      decoders.add(addChildBlock("decoder" + l, Layers.convBnRelu(names, "decoder." + l, widths.get(l), 3)));
    }
    classifier = addChildBlock("classifier", ConvBlock.conv3d(classes, 1, 1, 0, true));
    names.addWeights("head", classifier);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    List<NDArray> skips = new ArrayList<>();
    for (int l = 0; l < encoders.size(); l++) {
      if (l > 0) {
        x = Pool.maxPool3d(x, new Shape(2, 2, 2), new Shape(2, 2, 2), new Shape(0, 0, 0), false);
      }
      x = encoders.get(l).forward(ps, new NDList(x), training).singletonOrThrow();
      skips.add(x);
    }
    for (int d = 0; d < decoders.size(); d++) {
      int level = encoders.size() - 2 - d;
      NDArray up = Layers.upsample2x(x);
      x = NDArrays.concat(new NDList(up, skips.get(level)), 1);
      x = decoders.get(d).forward(ps, new NDList(x), training).singletonOrThrow();
    }
    return classifier.forward(ps, new NDList(x), training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long n = in.get(0);
    long[] size = {in.get(2), in.get(3), in.get(4)};
    long channels = in.get(1);
    for (int l = 0; l < encoders.size(); l++) {
      long f = 1L << l;
      encoders.get(l).initialize(manager, dataType, new Shape(n, channels, size[0] / f, size[1] / f, size[2] / f));
      channels = widths.get(l);
    }
    for (int d = 0; d < decoders.size(); d++) {
      int level = encoders.size() - 2 - d;
      long f = 1L << level;
      decoders.get(d).initialize(manager, dataType, new Shape(n, channels + widths.get(level), size[0] / f, size[1] / f, size[2] / f));
      channels = widths.get(level);
    }
    classifier.initialize(manager, dataType, new Shape(n, channels, size[0], size[1], size[2]));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), classes, in.get(2), in.get(3), in.get(4))};
  }
}
