package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A pre-norm Transformer encoder block in timm's layout (x + attn(norm1(x)), then x +
 * mlp(norm2(x))), on (B, T, E): LayerNorm over the last axis (eps 1e-6), a fused qkv projection,
 * scaled dot-product attention over {@code heads}, an output projection and a GELU MLP. Parameter
 * names follow timm ({@code blocks.0.attn.qkv.weight}) so ViT checkpoints load by name.
 */
final class TransformerBlock extends AbstractBlock {
  private final LayerNorm norm1;
  private final Linear qkv;
  private final Linear proj;
  private final LayerNorm norm2;
  private final Linear fc1;
  private final Linear fc2;
  private final int heads;
  private final float dropout;

  TransformerBlock(NamedParameters names, String prefix, int dim, int hidden, int heads, double dropout) {
    this.heads = heads;
    this.dropout = (float) dropout;
    norm1 = addChildBlock("norm1", Layers.layerNorm());
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
    proj = addChildBlock("proj", Linear.builder().setUnits(dim).build());
    norm2 = addChildBlock("norm2", Layers.layerNorm());
    fc1 = addChildBlock("fc1", Linear.builder().setUnits(hidden).build());
    fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).build());
    names.addLayerNorm(prefix + ".norm1", norm1);
    names.addWeights(prefix + ".attn.qkv", qkv, NamedParameters.Init.TRUNC_NORMAL);
    names.addWeights(prefix + ".attn.proj", proj, NamedParameters.Init.TRUNC_NORMAL);
    names.addLayerNorm(prefix + ".norm2", norm2);
    names.addWeights(prefix + ".mlp.fc1", fc1, NamedParameters.Init.TRUNC_NORMAL);
    names.addWeights(prefix + ".mlp.fc2", fc2, NamedParameters.Init.TRUNC_NORMAL);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    long b = s.get(0);
    long t = s.get(1);
    long e = s.get(2);
    long d = e / heads;
    NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
    NDArray q3 = qkv.forward(ps, new NDList(h), training).singletonOrThrow().reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
    NDArray q = q3.get(0);
    NDArray k = q3.get(1);
    NDArray v = q3.get(2);
    NDArray attn = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(d)).softmax(-1);
    NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, e);
    out = proj.forward(ps, new NDList(out), training).singletonOrThrow();
    x = x.add(Dropout.dropout(out, dropout, training).singletonOrThrow());
    h = norm2.forward(ps, new NDList(x), training).singletonOrThrow();
    h = Activation.gelu(fc1.forward(ps, new NDList(h), training).singletonOrThrow());
    h = Dropout.dropout(h, dropout, training).singletonOrThrow();
    h = fc2.forward(ps, new NDList(h), training).singletonOrThrow();
    x = x.add(Dropout.dropout(h, dropout, training).singletonOrThrow());
    return new NDList(x);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    norm1.initialize(manager, dataType, in);
    qkv.initialize(manager, dataType, in);
    proj.initialize(manager, dataType, in);
    norm2.initialize(manager, dataType, in);
    fc1.initialize(manager, dataType, in);
    fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {in}));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
