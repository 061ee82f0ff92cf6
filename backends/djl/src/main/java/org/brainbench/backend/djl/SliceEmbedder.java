package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The Medical Transformer's slice encoder: a 2D CNN (levels of conv-BN-ReLU) or ResNet-18 over
 * slices (N, C, h, w), global average pooling and a linear map to the token width. Forward returns
 * the embeddings (N, E) followed by the CNN's per-level features (for the segmentation decoder).
 */
final class SliceEmbedder extends AbstractBlock {
  private final Block cnn;
  private final Linear proj;
  private final boolean resnet;

  SliceEmbedder(NamedParameters names, String prefix, org.brainbench.api.model.EncoderKind encoder, List<Integer> channels, int embedDim) {
    resnet = encoder == org.brainbench.api.model.EncoderKind.RESNET18;
    cnn = addChildBlock("cnn", resnet ? new ResNet18Encoder(names, prefix, channels.get(0))
        : new ConvEncoder2d(names, prefix, channels, false, false));
    proj = addChildBlock("proj", Linear.builder().setUnits(embedDim).build());
    names.addWeights(prefix + ".proj", proj);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList features = cnn.forward(ps, inputs, training);
    NDArray last = features.get(features.size() - 1);
    NDArray embedding = proj.forward(ps, new NDList(last.mean(new int[] {3}).mean(new int[] {2})), training).singletonOrThrow();
    NDList out = new NDList(embedding);
    if (!resnet) {
      out.addAll(features.subNDList(0, features.size() - 1));
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    cnn.initialize(manager, dataType, inputShapes);
    Shape[] out = cnn.getOutputShapes(inputShapes);
    Shape last = out[out.length - 1];
    proj.initialize(manager, dataType, new Shape(last.get(0), last.get(1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] features = cnn.getOutputShapes(inputShapes);
    Shape[] out = new Shape[resnet ? 1 : features.length];
    out[0] = new Shape(inputShapes[0].get(0), proj.getOutputShapes(new Shape[] {new Shape(1, features[features.length - 1].get(1))})[0].get(1));
    if (!resnet) {
      System.arraycopy(features, 0, out, 1, features.length - 1);
    }
    return out;
  }
}
