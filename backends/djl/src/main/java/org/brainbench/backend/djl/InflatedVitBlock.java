package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.tasks.TaskType;

/**
 * The inflated ViT on DJL for classify, regress and segment ({@link InflatedVitSpec} describes the
 * architecture and the UNETR-style decoder).
 */
public final class InflatedVitBlock extends AbstractBlock implements Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<InflatedVitSpec> {
    @Override
    public Class<InflatedVitSpec> specType() {
      return InflatedVitSpec.class;
    }

    @Override
    public Block build(InflatedVitSpec spec, TaskHead head, NamedParameters names) {
      // the 2D pre-training trains a 2D ViT on axial slices; the other heads the inflated 3D one
      return head.type() == TaskType.PRETRAIN ? new Vit2dPretrainBlock(spec, head, names) : new InflatedVitBlock(spec, head, names);
    }
  }

  private final InflatedVitSpec spec;
  private final TaskHead head;
  private final Block patchEmbed;
  private final VitTrunk trunk;
  private final Linear out;
  private final SequentialBlock enc0;
  /** skips.get(j - 1): the up-blocks taking tap j's tokens to 1/2^j resolution. */
  private final List<List<SequentialBlock>> skips = new ArrayList<>();
  /** ups.get(j), fuse.get(j) for levels j = 0 .. n-1. */
  private final List<SequentialBlock> ups = new ArrayList<>();
  private final List<SequentialBlock> fuse = new ArrayList<>();
  private final ConvBlock decoderHead;

  InflatedVitBlock(InflatedVitSpec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    patchEmbed = addChildBlock("patch_embed", VitTrunk.patchEmbedding(names, 3, spec.patch(), spec.dim()));
    trunk = addChildBlock("trunk", new VitTrunk(names, spec.dim(), spec.depth(), spec.heads(), spec.hidden(), spec.dropout(),
        spec.tokens(head.inputShape())));
    if (head.type() != TaskType.SEGMENT) {
      out = addChildBlock("head", Linear.builder().setUnits(head.outputs()).build());
      names.addWeights("head", out, NamedParameters.Init.TRUNC_NORMAL);
      enc0 = null;
      decoderHead = null;
      return;
    }
    out = null;
    int n = spec.levels();
    int f = spec.decoderChannels();
    enc0 = addChildBlock("enc0", Layers.convBnRelu(names, "decoder.enc0", f, 3, true));
    for (int j = 1; j < n; j++) {
      List<SequentialBlock> chain = new ArrayList<>();
      for (int k = 0; k < n - j; k++) {
        chain.add(addChildBlock("skip" + j + "_" + k, Layers.convBnRelu(names, "decoder.skips." + j + "." + k, f << j, 3)));
      }
      skips.add(chain);
    }
    for (int j = 0; j < n; j++) {
      ups.add(null);
      fuse.add(null);
    }
    for (int j = n - 1; j >= 0; j--) {
      ups.set(j, addChildBlock("up" + j, Layers.convBnRelu(names, "decoder.ups." + j, f << j, 3)));
      fuse.set(j, addChildBlock("fuse" + j, Layers.convBnRelu(names, "decoder.fuse." + j, f << j, 3)));
    }
    decoderHead = addChildBlock("dec_head", ConvBlock.conv3d(head.outputs(), 1, 1, 0, true));
    names.addWeights("decoder.head", decoderHead);
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    NDList hidden = trunk.forward(ps, new NDList(VitTrunk.tokens(patchEmbed.forward(ps, new NDList(x), false).singletonOrThrow())), false);
    return meanPatchToken(hidden.get(hidden.size() - 1));
  }

  /** The mean of the patch tokens, not [CLS] (see InflatedVitSpec): the classify and regress heads' input. */
  private static NDArray meanPatchToken(NDArray last) {
    return last.get(":, 1:, :").mean(new int[] {1});
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray tokens = VitTrunk.tokens(patchEmbed.forward(ps, inputs, training).singletonOrThrow());
    NDList hidden = trunk.forward(ps, new NDList(tokens), training);
    NDArray last = hidden.get(hidden.size() - 1);
    if (head.type() != TaskType.SEGMENT) {
      return out.forward(ps, new NDList(meanPatchToken(last)), training);
    }
    int n = spec.levels();
    NDArray y = grid(last, x);
    for (int j = n - 1; j >= 0; j--) {
      y = ups.get(j).forward(ps, new NDList(Layers.upsample2x(y)), training).singletonOrThrow();
      NDArray skip;
      if (j == 0) {
        skip = enc0.forward(ps, inputs, training).singletonOrThrow();
      } else {
        skip = grid(hidden.get(spec.tap(j) - 1), x);
        for (SequentialBlock b : skips.get(j - 1)) {
          skip = b.forward(ps, new NDList(Layers.upsample2x(skip)), training).singletonOrThrow();
        }
      }
      y = fuse.get(j).forward(ps, new NDList(NDArrays.concat(new NDList(y, skip), 1)), training).singletonOrThrow();
    }
    return decoderHead.forward(ps, new NDList(y), training);
  }

  /** Patch tokens of a hidden state (B, 1 + T, E) as a grid (B, E, d, h, w). */
  private NDArray grid(NDArray hidden, NDArray input) {
    Shape s = input.getShape();
    int p = spec.patch();
    return hidden.get(":, 1:, :").transpose(0, 2, 1).reshape(s.get(0), spec.dim(), s.get(2) / p, s.get(3) / p, s.get(4) / p);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long b = in.get(0);
    patchEmbed.initialize(manager, dataType, in);
    Shape seq = new Shape(b, spec.tokens(head.inputShape()), spec.dim());
    trunk.initialize(manager, dataType, seq);
    if (out != null) {
      out.initialize(manager, dataType, new Shape(b, spec.dim()));
      return;
    }
    int n = spec.levels();
    int f = spec.decoderChannels();
    enc0.initialize(manager, dataType, in);
    for (int j = 1; j < n; j++) {
      long channels = spec.dim();
      for (int k = 0; k < n - j; k++) {
        long scale = 1L << (n - k - 1);
        skips.get(j - 1).get(k).initialize(manager, dataType, new Shape(b, channels, in.get(2) / scale, in.get(3) / scale, in.get(4) / scale));
        channels = (long) f << j;
      }
    }
    long channels = spec.dim();
    for (int j = n - 1; j >= 0; j--) {
      long scale = 1L << j;
      Shape at = new Shape(b, channels, in.get(2) / scale, in.get(3) / scale, in.get(4) / scale);
      ups.get(j).initialize(manager, dataType, at);
      long ch = (long) f << j;
      fuse.get(j).initialize(manager, dataType, new Shape(b, 2 * ch, in.get(2) / scale, in.get(3) / scale, in.get(4) / scale));
      channels = ch;
    }
    decoderHead.initialize(manager, dataType, new Shape(b, f, in.get(2), in.get(3), in.get(4)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return head.type() == TaskType.SEGMENT
        ? new Shape[] {new Shape(in.get(0), head.outputs(), in.get(2), in.get(3), in.get(4))}
        : new Shape[] {new Shape(in.get(0), head.outputs())};
  }
}
