package org.brainbench.backend.djl;

import ai.djl.nn.Block;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.tasks.TaskType;

/**
 * The Medical Transformer on DJL ({@link MedicalTransformerSpec} describes the architecture). Its
 * forward gives the class logits or the standardised value (B, K), the fused segmentation
 * log-probabilities (B, K, D, H, W), or for pre-training {predictions (B, T, E), targets (B, T, E),
 * mask (B, T), embedding spread (scalar)}.
 */
public final class MedicalTransformerBlock extends AbstractBlock implements EmaModel, Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<MedicalTransformerSpec> {
    @Override
    public Class<MedicalTransformerSpec> specType() {
      return MedicalTransformerSpec.class;
    }

    @Override
    public Block build(MedicalTransformerSpec spec, TaskHead head, NamedParameters names) {
      return new MedicalTransformerBlock(spec, head, names);
    }
  }

  private final MedicalTransformerSpec spec;
  private final TaskHead head;
  private final List<View> views;
  private final SliceEmbedder encoder;
  private final SliceEmbedder target;
  private final ParamBlock cls;
  private final ParamBlock viewEmbed;
  private final List<ParamBlock> posEmbed = new ArrayList<>();
  private final ParamBlock maskToken;
  private final List<TransformerBlock> blocks = new ArrayList<>();
  private final LayerNorm norm;
  private final Linear out;
  private final Linear decoderToken;
  private final List<SequentialBlock> decoder = new ArrayList<>();
  private final ConvBlock decoderHead;
  private final List<Parameter[]> emaPairs = new ArrayList<>();

  MedicalTransformerBlock(MedicalTransformerSpec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    this.views = spec.views();
    int e = spec.embedDim();
    encoder = addChildBlock("encoder", new SliceEmbedder(names, "encoder", spec.encoder(), spec.encoderChannels(), e));
    cls = addChildBlock("cls", new ParamBlock("cls_token", new Shape(1, 1, e), Initializer.ZEROS));
    names.addTensor("cls_token", cls);
    viewEmbed = addChildBlock("views", new ParamBlock("view_embed", new Shape(views.size(), e), Initializer.ZEROS));
    names.addTensor("view_embed", viewEmbed);
    for (View v : views) {
      ParamBlock p = addChildBlock("pos_" + v.id(), new ParamBlock("pos_embed_" + v.id(), new Shape(v.slices(head.inputShape()), e), Initializer.ZEROS));
      posEmbed.add(p);
      names.addTensor("pos_embed." + v.id(), p);
    }
    for (int i = 0; i < spec.depth(); i++) {
      blocks.add(addChildBlock("block" + i, new TransformerBlock(names, "blocks." + i, e, spec.hidden(), spec.heads(), spec.dropout())));
    }
    norm = addChildBlock("norm", Layers.layerNorm());
    names.addLayerNorm("norm", norm);
    boolean pretrain = head.type() == TaskType.PRETRAIN;
    boolean segment = head.type() == TaskType.SEGMENT;
    if (pretrain) {
      maskToken = addChildBlock("mask", new ParamBlock("mask_token", new Shape(1, 1, e), Initializer.ZEROS));
      names.addTensor("mask_token", maskToken);
      out = addChildBlock("pred_head", Linear.builder().setUnits(e).build());
      names.addWeights("pred_head", out, NamedParameters.Init.TRUNC_NORMAL);
      // the momentum target: same architecture, own (frozen) weights, exported as buffers
      NamedParameters targetNames = new NamedParameters();
      target = addChildBlock("target", new SliceEmbedder(targetNames, "target_encoder", spec.encoder(), spec.encoderChannels(), e));
      targetNames.applyInitializers(target);
      Map<String, Parameter> online = names.all();
      targetNames.all().forEach((name, p) -> {
        names.addBuffer(name, p);
        emaPairs.add(new Parameter[] {online.get("encoder" + name.substring("target_encoder".length())), p});
      });
    } else {
      maskToken = null;
      target = null;
      out = segment ? null : addChildBlock("head", Linear.builder().setUnits(head.outputs()).build());
      if (out != null) {
        names.addWeights("head", out, NamedParameters.Init.TRUNC_NORMAL);
      }
    }
    if (segment) {
      List<Integer> c = spec.encoderChannels();
      decoderToken = addChildBlock("dec_token", Linear.builder().setUnits(c.get(c.size() - 1)).build());
      names.addWeights("decoder.token", decoderToken);
      for (int i = c.size() - 2; i >= 0; i--) {
        SequentialBlock b = Layers.convBnRelu2d(names, "decoder.blocks." + i, c.get(i));
        decoder.add(addChildBlock("dec" + i, b));
      }
      decoderHead = addChildBlock("dec_head", ConvBlock.conv2d(head.outputs(), 1, 1, 0, true));
      names.addWeights("decoder.head", decoderHead);
    } else {
      decoderToken = null;
      decoderHead = null;
    }
  }

  @Override
  public List<Parameter[]> emaPairs() {
    return emaPairs;
  }

  @Override
  public double emaMomentum() {
    return spec.emaMomentum();
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    Encoded e = encode(ps, inputs, training);
    return switch (head.type()) {
      case CLASSIFY, REGRESS -> out.forward(ps, new NDList(e.seq().get(":, 0, :")), training);
      case SEGMENT -> new NDList(segment(ps, e.seq(), e.features(), e.b(), training));
      case PRETRAIN -> pretrainOutputs(ps, inputs.singletonOrThrow(), e.seq(), e.embeddings(), e.mask(), e.b(), training);
    };
  }

  /** The [CLS] token after the final norm: the classify and regress heads' input. */
  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    return encode(ps, new NDList(x), false).seq().get(":, 0, :");
  }

  /**
   * The sequence after the Transformer (B, 1 + T, E) with what the heads need besides: the slice
   * embeddings, the encoders' features (segmentation) and the pre-training mask.
   */
  private record Encoded(NDArray seq, List<NDArray> embeddings, List<NDList> features, NDArray mask, long b) {}

  private Encoded encode(ParameterStore ps, NDList inputs, boolean training) {
    NDArray x = inputs.singletonOrThrow();
    long b = x.getShape().get(0);
    List<NDArray> embeddings = new ArrayList<>();
    List<NDList> features = new ArrayList<>();
    for (View v : views) {
      NDList enc = encoder.forward(ps, new NDList(SliceOps.toSlices(x, v)), training);
      embeddings.add(enc.get(0).reshape(b, -1, spec.embedDim()));
      features.add(enc.subNDList(1));
    }
    NDArray tokens = NDArrays.concat(new NDList(embeddings.toArray(NDArray[]::new)), 1); // (B, T, E)
    NDArray mask = null;
    if (head.type() == TaskType.PRETRAIN) {
      mask = tokens.getManager().randomUniform(0f, 1f, new Shape(b, tokens.getShape().get(1))).lt(spec.maskRatio())
          .toType(DataType.FLOAT32, false).expandDims(2);
      NDArray token = maskToken.forward(ps, inputs, training).singletonOrThrow();
      tokens = tokens.mul(mask.neg().add(1)).add(mask.mul(token));
    }
    tokens = tokens.add(positions(ps, inputs, training, x));
    NDArray clsToken = Layers.own(cls.forward(ps, inputs, training).singletonOrThrow().repeat(0, b), x);
    NDArray seq = NDArrays.concat(new NDList(clsToken, tokens), 1);
    for (TransformerBlock block : blocks) {
      seq = block.forward(ps, new NDList(seq), training).singletonOrThrow();
    }
    seq = norm.forward(ps, new NDList(seq), training).singletonOrThrow();
    return new Encoded(seq, embeddings, features, mask, b);
  }

  /** View and slice-position embeddings for the tokens of all views, (1, T, E). */
  private NDArray positions(ParameterStore ps, NDList inputs, boolean training, NDArray step) {
    NDArray viewTable = viewEmbed.forward(ps, inputs, training).singletonOrThrow();
    List<NDArray> parts = new ArrayList<>();
    for (int i = 0; i < views.size(); i++) {
      NDArray pos = posEmbed.get(i).forward(ps, inputs, training).singletonOrThrow();
      NDArray view = Layers.own(viewTable.get(i), step);
      parts.add(Layers.own(pos.add(view), step));
    }
    return NDArrays.concat(new NDList(parts.toArray(NDArray[]::new)), 0).expandDims(0);
  }

  private NDList pretrainOutputs(ParameterStore ps, NDArray x, NDArray seq, List<NDArray> embeddings, NDArray mask, long b, boolean training) {
    NDArray prediction = out.forward(ps, new NDList(seq.get(":, 1:, :")), training).singletonOrThrow();
    NDArray online = NDArrays.concat(new NDList(embeddings.toArray(NDArray[]::new)), 1);
    NDArray spread = spread(online.reshape(-1, spec.embedDim()));
    if (!spec.collapseGuard()) {
      // the ablation: predict the online embeddings themselves, gradient flowing into both sides
      return new NDList(prediction, online, mask.squeeze(2), spread);
    }
    List<NDArray> targets = new ArrayList<>();
    for (View v : views) {
      // the momentum encoder in inference mode, without gradient: the targets
      NDArray t = target.forward(ps, new NDList(SliceOps.toSlices(x, v)), false).get(0).stopGradient();
      targets.add(t.reshape(b, -1, spec.embedDim()));
    }
    NDArray t = NDArrays.concat(new NDList(targets.toArray(NDArray[]::new)), 1);
    // layer-normalised targets: a constant prediction cannot reach a low loss
    NDArray centred = t.sub(t.mean(new int[] {2}, true));
    NDArray normalised = centred.div(centred.square().mean(new int[] {2}, true).add(1e-6f).sqrt());
    return new NDList(prediction, normalised, mask.squeeze(2), spread);
  }

  /** Mean over dimensions of the standard deviation across tokens: 0 when every slice embeds alike. */
  private static NDArray spread(NDArray embeddings) {
    return embeddings.sub(embeddings.mean(new int[] {0}, true)).square().mean(new int[] {0}).sqrt().mean().stopGradient();
  }

  private NDArray segment(ParameterStore ps, NDArray seq, List<NDList> features, long b, boolean training) {
    NDArray probabilities = null;
    long offset = 1;
    for (int i = 0; i < views.size(); i++) {
      NDList f = features.get(i);
      long slices = f.get(0).getShape().get(0) / b;
      NDArray tokens = seq.get(":, " + offset + ":" + (offset + slices) + ", :").reshape(b * slices, spec.embedDim());
      offset += slices;
      NDArray t = decoderToken.forward(ps, new NDList(tokens), training).singletonOrThrow();
      NDArray x = f.get(f.size() - 1).add(t.expandDims(2).expandDims(3));
      for (int d = 0; d < decoder.size(); d++) {
        int level = f.size() - 2 - d;
        x = Layers.upsample2x(x);
        x = NDArrays.concat(new NDList(x, f.get(level)), 1);
        x = decoder.get(d).forward(ps, new NDList(x), training).singletonOrThrow();
      }
      NDArray logits = decoderHead.forward(ps, new NDList(x), training).singletonOrThrow();
      NDArray p = SliceOps.fromSlices(logits, views.get(i), b).softmax(1);
      probabilities = probabilities == null ? p : probabilities.add(p);
    }
    // the average of the views' probabilities, as log-probabilities for the loss
    return Scalars.div(probabilities, views.size()).add(1e-7f).log();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long b = in.get(0);
    long c = in.get(1);
    int e = spec.embedDim();
    int[] dhw = {(int) in.get(2), (int) in.get(3), (int) in.get(4)};
    int[] hw = views.get(0).sliceShape(dhw);
    Shape slices = new Shape(b, c, hw[0], hw[1]);
    encoder.initialize(manager, dataType, slices);
    for (AbstractBlock p : List.of(cls, viewEmbed)) {
      p.initialize(manager, dataType, in);
    }
    for (ParamBlock p : posEmbed) {
      p.initialize(manager, dataType, in);
    }
    int tokens = 1;
    for (View v : views) {
      tokens += v.slices(dhw);
    }
    Shape seq = new Shape(b, tokens, e);
    for (TransformerBlock block : blocks) {
      block.initialize(manager, dataType, seq);
    }
    norm.initialize(manager, dataType, seq);
    if (maskToken != null) {
      maskToken.initialize(manager, dataType, in);
      out.initialize(manager, dataType, seq);
      target.initialize(manager, dataType, slices);
      for (Parameter[] pair : emaPairs) {
        pair[1].getArray().set(pair[0].getArray().toFloatArray()); // start as a copy of the online encoder
        pair[1].freeze(true);
      }
    } else if (out != null) {
      out.initialize(manager, dataType, new Shape(b, e));
    }
    if (decoderToken != null) {
      Shape[] f = encoder.getOutputShapes(new Shape[] {slices});
      decoderToken.initialize(manager, dataType, new Shape(b, e));
      Shape x = f[f.length - 1];
      for (int d = 0; d < decoder.size(); d++) {
        Shape skip = f[f.length - 2 - d];
        decoder.get(d).initialize(manager, dataType, new Shape(b, x.get(1) + skip.get(1), skip.get(2), skip.get(3)));
        x = decoder.get(d).getOutputShapes(new Shape[] {new Shape(b, x.get(1) + skip.get(1), skip.get(2), skip.get(3))})[0];
      }
      decoderHead.initialize(manager, dataType, x);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return switch (head.type()) {
      case CLASSIFY, REGRESS -> new Shape[] {new Shape(in.get(0), head.outputs())};
      case SEGMENT -> new Shape[] {new Shape(in.get(0), head.outputs(), in.get(2), in.get(3), in.get(4))};
      case PRETRAIN -> new Shape[] {new Shape(in.get(0), -1, spec.embedDim())};
    };
  }

  static NDArray relu(NDArray x) {
    return Activation.relu(x);
  }
}
