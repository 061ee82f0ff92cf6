package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.SliceCnnSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.tasks.TaskType;

/** The 2D-slice CNN on DJL ({@link SliceCnnSpec} describes it). */
public final class SliceCnnBlock extends AbstractBlock implements Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<SliceCnnSpec> {
    @Override
    public Class<SliceCnnSpec> specType() {
      return SliceCnnSpec.class;
    }

    @Override
    public Block build(SliceCnnSpec spec, TaskHead head, NamedParameters names) {
      return new SliceCnnBlock(spec, head, names);
    }
  }

  private final SliceCnnSpec spec;
  private final TaskHead head;
  private final View view;
  private final Block encoder;
  private final ConvBlock embed;
  private final ParamBlock position;
  private final Linear attentionFc1;
  private final Linear attentionFc2;
  private final Linear out;
  private final List<ConvBlock> decoder = new ArrayList<>();
  private final ConvBlock decoderHead;

  SliceCnnBlock(SliceCnnSpec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    this.view = spec.view();
    boolean segment = head.type() == TaskType.SEGMENT;
    encoder = addChildBlock("encoder", spec.encoder() == org.brainbench.api.model.EncoderKind.RESNET18 ? new ResNet18Encoder(names, "encoder", SliceCnnSpec.RESNET_WIDTH)
        : new ConvEncoder2d(names, "encoder", spec.channels(), true, !segment));
    if (segment) {
      embed = null;
      position = null;
      attentionFc1 = null;
      attentionFc2 = null;
      out = null;
      List<Integer> c = spec.channels();
      for (int i = c.size() - 2; i >= 0; i--) {
        ConvBlock conv = addChildBlock("dec" + i, ConvBlock.conv2d(c.get(i), 3, 1, 1, false));
        names.addWeights("decoder.blocks." + i + ".conv", conv);
        decoder.add(conv);
      }
      decoderHead = addChildBlock("dec_head", ConvBlock.conv2d(head.outputs(), 1, 1, 0, true));
      names.addWeights("decoder.head", decoderHead);
      return;
    }
    decoderHead = null;
    embed = addChildBlock("embed", ConvBlock.conv2d(spec.embedding(), 1, 1, 0, true));
    names.addWeights("encoder.embed", embed);
    if (spec.positionEmbedding()) {
      position = addChildBlock("pos", new ParamBlock("pos_embed", new Shape(view.slices(head.inputShape()), spec.embedding()), Initializer.ZEROS));
      names.addTensor("pos_embed", position);
    } else {
      position = null;
    }
    if (spec.aggregation() == org.brainbench.api.model.Aggregation.ATTENTION) {
      attentionFc1 = addChildBlock("att1", Linear.builder().setUnits(spec.embedding()).build());
      attentionFc2 = addChildBlock("att2", Linear.builder().setUnits(1).optBias(false).build());
      names.addWeights("attention.fc1", attentionFc1);
      names.addWeights("attention.fc2", attentionFc2);
    } else {
      attentionFc1 = null;
      attentionFc2 = null;
    }
    out = addChildBlock("head", Linear.builder().setUnits(head.outputs()).build());
    names.addWeights("head", out);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long b = x.getShape().get(0);
    NDList features = encoder.forward(ps, new NDList(SliceOps.toSlices(x, view)), training);
    if (head.type() == TaskType.SEGMENT) {
      NDArray y = features.get(features.size() - 1);
      for (int d = 0; d < decoder.size(); d++) {
        NDArray skip = features.get(features.size() - 3 - d);
        y = NDArrays.concat(new NDList(Layers.upsample2x(y), skip), 1);
        y = Activation.relu(ConvEncoder2d.instanceNorm(decoder.get(d).forward(ps, new NDList(y), training).singletonOrThrow()));
      }
      NDArray logits = decoderHead.forward(ps, new NDList(y), training).singletonOrThrow();
      return new NDList(SliceOps.fromSlices(logits, view, b));
    }
    return out.forward(ps, new NDList(pooled(ps, inputs, features, b, training)), training);
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    return pooled(ps, new NDList(x), encoder.forward(ps, new NDList(SliceOps.toSlices(x, view)), false), x.getShape().get(0), false);
  }

  /** The slices' embeddings aggregated over the slices: the head's input (B, E). */
  private NDArray pooled(ParameterStore ps, NDList inputs, NDList features, long b, boolean training) {
    NDArray last = features.get(features.size() - 1);
    NDArray e = embed.forward(ps, new NDList(last), training).singletonOrThrow().mean(new int[] {3}).mean(new int[] {2});
    NDArray h = e.reshape(b, -1, spec.embedding()); // (B, S, E)
    if (position != null) {
      h = h.add(position.forward(ps, inputs, training).singletonOrThrow());
    }
    NDArray pooled = switch (spec.aggregation()) {
      case MAX -> h.max(new int[] {1});
      case ATTENTION -> {
        NDArray a = attentionFc2.forward(ps, new NDList(attentionFc1.forward(ps, new NDList(h), training).singletonOrThrow().tanh()), training)
            .singletonOrThrow().softmax(1); // (B, S, 1)
        yield h.mul(a).sum(new int[] {1});
      }
      case MEAN -> h.mean(new int[] {1});
    };
    return pooled;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long b = in.get(0);
    int[] dhw = {(int) in.get(2), (int) in.get(3), (int) in.get(4)};
    int[] hw = view.sliceShape(dhw);
    Shape slices = new Shape(b, in.get(1), hw[0], hw[1]);
    encoder.initialize(manager, dataType, slices);
    Shape[] f = encoder.getOutputShapes(new Shape[] {slices});
    if (head.type() == TaskType.SEGMENT) {
      Shape y = f[f.length - 1];
      for (int d = 0; d < decoder.size(); d++) {
        Shape skip = f[f.length - 3 - d];
        Shape cat = new Shape(b, y.get(1) + skip.get(1), skip.get(2), skip.get(3));
        decoder.get(d).initialize(manager, dataType, cat);
        y = decoder.get(d).getOutputShapes(new Shape[] {cat})[0];
      }
      decoderHead.initialize(manager, dataType, y);
      return;
    }
    embed.initialize(manager, dataType, f[f.length - 1]);
    if (position != null) {
      position.initialize(manager, dataType, in);
    }
    Shape h = new Shape(b, view.slices(dhw), spec.embedding());
    if (attentionFc1 != null) {
      attentionFc1.initialize(manager, dataType, h);
      attentionFc2.initialize(manager, dataType, h);
    }
    out.initialize(manager, dataType, new Shape(b, spec.embedding()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return head.type() == TaskType.SEGMENT
        ? new Shape[] {new Shape(in.get(0), head.outputs(), in.get(2), in.get(3), in.get(4))}
        : new Shape[] {new Shape(in.get(0), head.outputs())};
  }
}
