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
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;

/**
 * The 2D ViT that brainbench pre-trains on axial slices before inflating it (SimMIM): a share of
 * each slice's patch tokens is replaced by a mask token; {@code decoder_pred} predicts the masked
 * patches' pixels. Forward returns {predictions (N, G, p²C), target pixels (N, G, p²C), mask (N,
 * G), token spread}, N = batch x slices.
 */
final class Vit2dPretrainBlock extends AbstractBlock {
  private final InflatedVitSpec spec;
  private final Block patchEmbed;
  private final VitTrunk trunk;
  private final ParamBlock maskToken;
  private final Linear decoderPred;
  private final int grid;

  Vit2dPretrainBlock(InflatedVitSpec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    int[] hw = View.AXIAL.sliceShape(head.inputShape());
    grid = (hw[0] / spec.patch()) * (hw[1] / spec.patch());
    patchEmbed = addChildBlock("patch_embed", VitTrunk.patchEmbedding(names, 2, spec.patch(), spec.dim()));
    trunk = addChildBlock("trunk", new VitTrunk(names, spec.dim(), spec.depth(), spec.heads(), spec.hidden(), spec.dropout(), grid));
    maskToken = addChildBlock("mask", new ParamBlock("mask_token", new Shape(1, 1, spec.dim()), Initializer.ZEROS));
    names.addTensor("mask_token", maskToken);
    decoderPred = addChildBlock("decoder_pred", Linear.builder().setUnits((long) spec.patch() * spec.patch() * head.inputChannels()).build());
    names.addWeights("decoder_pred", decoderPred, NamedParameters.Init.TRUNC_NORMAL);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray slices = SliceOps.toSlices(inputs.singletonOrThrow(), View.AXIAL); // (N, C, H, W)
    NDArray tokens = VitTrunk.tokens(patchEmbed.forward(ps, new NDList(slices), training).singletonOrThrow());
    long n = tokens.getShape().get(0);
    NDArray mask = tokens.getManager().randomUniform(0f, 1f, new Shape(n, grid)).lt(spec.maskRatio()).toType(DataType.FLOAT32, false);
    NDArray m = mask.expandDims(2);
    NDArray token = maskToken.forward(ps, inputs, training).singletonOrThrow();
    NDArray spread = tokens.reshape(-1, spec.dim());
    spread = spread.sub(spread.mean(new int[] {0}, true)).square().mean(new int[] {0}).sqrt().mean().stopGradient();
    tokens = tokens.mul(m.neg().add(1)).add(m.mul(token));
    NDList hidden = trunk.forward(ps, new NDList(tokens), training);
    NDArray last = hidden.get(hidden.size() - 1).get(":, 1:, :");
    NDArray prediction = decoderPred.forward(ps, new NDList(last), training).singletonOrThrow();
    return new NDList(prediction, patches(slices), mask, spread);
  }

  /** Pixels of each patch, (N, G, p·p·C), in the order of the patch tokens. */
  private NDArray patches(NDArray slices) {
    Shape s = slices.getShape();
    int p = spec.patch();
    long gh = s.get(2) / p;
    long gw = s.get(3) / p;
    return slices.reshape(s.get(0), s.get(1), gh, p, gw, p).transpose(0, 2, 4, 3, 5, 1).reshape(s.get(0), gh * gw, -1);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    Shape slice = new Shape(in.get(0), in.get(1), in.get(3), in.get(4));
    patchEmbed.initialize(manager, dataType, slice);
    Shape seq = new Shape(in.get(0), grid, spec.dim());
    trunk.initialize(manager, dataType, seq);
    maskToken.initialize(manager, dataType, in);
    decoderPred.initialize(manager, dataType, seq);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(-1, grid, (long) spec.patch() * spec.patch() * inputShapes[0].get(1))};
  }
}
