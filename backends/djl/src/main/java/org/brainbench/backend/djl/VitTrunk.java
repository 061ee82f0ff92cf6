package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A ViT trunk in timm's naming: [CLS] token, position embeddings, Transformer blocks and a final
 * LayerNorm. Forward takes patch tokens (B, T, E) (see {@link #patchEmbedding}) and returns every
 * block's output (B, 1 + T, E) followed by the normalised last one.
 */
final class VitTrunk extends AbstractBlock {
  private final ParamBlock cls;
  private final ParamBlock pos;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final int dim;
  private final int tokens;

  /** @param tokens patch tokens (without [CLS]) */
  VitTrunk(NamedParameters names, int dim, int depth, int heads, int hidden, double dropout, int tokens) {
    this.dim = dim;
    this.tokens = tokens;
    cls = addChildBlock("cls", new ParamBlock("cls_token", new Shape(1, 1, dim), Initializer.ZEROS));
    names.addTensor("cls_token", cls);
    pos = addChildBlock("pos", new ParamBlock("pos_embed", new Shape(1, 1 + tokens, dim), Initializer.ZEROS));
    names.addTensor("pos_embed", pos);
    for (int i = 0; i < depth; i++) {
      blocks.add(addChildBlock("block" + i, new TransformerBlock(names, "blocks." + i, dim, hidden, heads, dropout)));
    }
    norm = addChildBlock("norm", Layers.layerNorm());
    names.addLayerNorm("norm", norm);
  }

  /** The patch embedding ({@code patch_embed.proj}): a strided 2D or 3D convolution. */
  static Block patchEmbedding(NamedParameters names, int dims, int patch, int dim) {
    Block b = dims == 3
        ? ConvBlock.conv3d(dim, patch, patch, 0, true).readsInput()
        : ConvBlock.conv2d(dim, patch, patch, 0, true).readsInput();
    names.addWeights("patch_embed.proj", b);
    return b;
  }

  /** Patch tokens (B, T, E) from the patch embedding's output (B, E, ...). */
  static NDArray tokens(NDArray embedded) {
    Shape s = embedded.getShape();
    return embedded.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray tokens = inputs.singletonOrThrow(); // (B, T, E)
    long b = tokens.getShape().get(0);
    NDArray c = Layers.own(cls.forward(ps, inputs, training).singletonOrThrow().repeat(0, b), tokens);
    NDArray x = NDArrays.concat(new NDList(c, tokens), 1).add(pos.forward(ps, inputs, training).singletonOrThrow());
    NDList out = new NDList();
    for (TransformerBlock block : blocks) {
      x = block.forward(ps, new NDList(x), training).singletonOrThrow();
      out.add(x);
    }
    out.add(norm.forward(ps, new NDList(x), training).singletonOrThrow());
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    cls.initialize(manager, dataType, in);
    pos.initialize(manager, dataType, in);
    Shape seq = new Shape(in.get(0), 1 + tokens, dim);
    for (TransformerBlock b : blocks) {
      b.initialize(manager, dataType, seq);
    }
    norm.initialize(manager, dataType, seq);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape seq = new Shape(inputShapes[0].get(0), 1 + tokens, dim);
    Shape[] out = new Shape[blocks.size() + 1];
    java.util.Arrays.fill(out, seq);
    return out;
  }

  int depth() {
    return blocks.size();
  }
}
