package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.SliceCnnGupta2021Spec;
import org.brainbench.api.model.TaskHead;

/**
 * The slice-set network as its authors released it ({@link SliceCnnGupta2021Spec}), under their
 * state-dict names and with their initialisation: encoder1 or the ResNet-18 per slice, the optional
 * position table with its joint LayerNorm, the aggregation over slices, {@code attn_post}, ReLU and
 * {@code regressor.1}. Outputs (B, K): the age, one logit of two classes, or one per class.
 */
public final class SliceSetBlock extends AbstractBlock implements Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<SliceCnnGupta2021Spec> {
    @Override
    public Class<SliceCnnGupta2021Spec> specType() {
      return SliceCnnGupta2021Spec.class;
    }

    @Override
    public Block build(SliceCnnGupta2021Spec spec, TaskHead head, NamedParameters names) {
      return new SliceSetBlock(spec, head, names);
    }
  }

  private static final float EPS = 1e-5f;

  private final SliceCnnGupta2021Spec spec;
  private final int[] dhw;
  private final List<Parameter[]> blocks = new ArrayList<>(); // conv weight, bias
  private final Parameter[] post; // encoder1's 1x1 convolution, or the ResNet's linear map to the width
  private final ResNet18Encoder resnet; // or null (encoder1)
  private final Parameter[] position; // table, ln weight, ln bias (or null)
  private final Parameter[] last; // encoder1's last 1x1 convolution (or null)
  private final Parameter[] aggregation;
  private final Parameter[] attnPost;
  private final Parameter[] regressor;

  SliceSetBlock(SliceCnnGupta2021Spec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.dhw = head.inputShape().clone();
    int in = head.inputChannels();
    int f = spec.sliceFeatures();
    int d = spec.width();
    // their "custom" initialisation (N(0, 0.01) linears, zero biases) is encoder1's; with the
    // ResNet they keep PyTorch's defaults for every linear but the regressor's bias
    boolean custom = !spec.resnet();
    if (spec.resnet()) {
      resnet = addChildBlock("resnet", new ResNet18Encoder(names, SliceCnnGupta2021Spec.RESNET_PREFIX, spec.resnetWidth()));
      post = linear("encoder_2d.post_proc.0", d, 8 * spec.resnetWidth(), false, names);
    } else {
      resnet = null;
      for (int i = 0; i < spec.channels().size(); i++) {
        int c = spec.channels().get(i);
        blocks.add(conv("encoder_2d.encoder_2d." + i + ".0", c, in, 3, names));
        in = c;
      }
      post = conv("encoder_2d.post_proc_conv.0", f, in, 1, names);
    }
    if (spec.positionEncoding()) {
      long[] table = spec.positionTableShape(dhw);
      long[] ln = java.util.Arrays.copyOfRange(table, 1, table.length);
      position = new Parameter[] {
        param("encoder_2d.position_encoder.position_encoding", new Shape(table), new NormalInitializer((float) (1 / Math.sqrt(spec.slices(dhw)))), names),
        param("encoder_2d.position_encoder.ln.weight", new Shape(ln), Initializer.ONES, names),
        param("encoder_2d.position_encoder.ln.bias", new Shape(ln), Initializer.ZEROS, names)};
    } else {
      position = null;
    }
    last = spec.resnet() ? null : conv("encoder_2d.post_position_encoding.1", d, f, 1, names);
    aggregation = switch (spec.aggregation()) {
      case POOLED_ATTENTION -> join(new Parameter[] {param("pooled_attention.S", new Shape(1, d), new UniformInitializer((float) Math.sqrt(6.0 / (1 + d))), names)},
          linear("pooled_attention.fc_k", d, d, custom, names), linear("pooled_attention.fc_v", d, d, custom, names),
          new Parameter[] {param("pooled_attention.ln0.weight", new Shape(d), Initializer.ONES, names),
            param("pooled_attention.ln0.bias", new Shape(d), Initializer.ZEROS, names)},
          linear("pooled_attention.fc_o", d, d, custom, names));
      case GATED_ATTENTION -> join(linear("gated_attention.V", d, d, custom, names), new Parameter[] {
        param("gated_attention.w.weight", new Shape(1, d), custom ? new NormalInitializer(0.01f) : new UniformInitializer((float) (1 / Math.sqrt(d))), names)});
      case MEAN, MAX -> new Parameter[0];
    };
    attnPost = linear("attn_post", SliceCnnGupta2021Spec.HIDDEN, d, custom, names);
    int k = spec.regressorOutputs(head);
    float bound = (float) (1 / Math.sqrt(SliceCnnGupta2021Spec.HIDDEN));
    regressor = new Parameter[] {param("regressor.1.weight", new Shape(k, SliceCnnGupta2021Spec.HIDDEN), new UniformInitializer(bound), names),
      param("regressor.1.bias", new Shape(k), new ConstantInitializer((float) spec.initialRegressorBias(head)), names)};
  }

  /** A 2D convolution with bias, initialised as the authors' "custom" scheme: kaiming-normal (fan out, ReLU), bias 0. */
  private Parameter[] conv(String prefix, int out, int in, int k, NamedParameters names) {
    float sd = (float) Math.sqrt(2.0 / (out * k * k));
    return new Parameter[] {param(prefix + ".weight", new Shape(out, in, k, k), new NormalInitializer(sd), names),
      param(prefix + ".bias", new Shape(out), Initializer.ZEROS, names)};
  }

  private static Parameter[] join(Parameter[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(Parameter[]::new);
  }

  /** A linear map: N(0, 0.01) and a zero bias (their custom scheme) or PyTorch's default, U(±1/sqrt(fan in)) for both. */
  private Parameter[] linear(String prefix, int out, int in, boolean custom, NamedParameters names) {
    float bound = (float) (1 / Math.sqrt(in));
    return new Parameter[] {param(prefix + ".weight", new Shape(out, in), custom ? new NormalInitializer(0.01f) : new UniformInitializer(bound), names),
      param(prefix + ".bias", new Shape(out), custom ? Initializer.ZEROS : new UniformInitializer(bound), names)};
  }

  private Parameter param(String name, Shape shape, Initializer init, NamedParameters names) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build());
    names.add(name, p);
    return p;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // every other parameter is this block's own, shaped at construction
    if (resnet != null) {
      Shape in = inputShapes[0];
      int[] img = spec.image(dhw);
      resnet.initialize(manager, dataType, new Shape(in.get(0) * spec.slices(dhw), SliceCnnGupta2021Spec.resnetInputChannels((int) in.get(1)), img[0], img[1]));
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray e = hidden(ps, x, training);
    return new NDList(Linear.linear(e, value(ps, regressor[0], e, training), value(ps, regressor[1], e, training)).singletonOrThrow());
  }

  /** The regressor's input: ReLU(attn_post(aggregated)) (B, 64). */
  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    return hidden(ps, x, false);
  }

  private NDArray hidden(ParameterStore ps, NDArray x, boolean training) {
    long b = x.getShape().get(0);
    NDArray bsf = spec.resnet() ? resnetFeatures(ps, x, training) : encoder1Features(ps, x, training); // (B, S, F)
    long s = bsf.getShape().get(1);
    int f = spec.sliceFeatures();
    if (position != null) {
      NDArray bfs = bsf.transpose(0, 2, 1); // (B, F, S)
      NDArray table = Layers.own(value(ps, position[0], bfs, training).reshape(1, f, s), bfs);
      NDArray z = bfs.add(table);
      // DJL's PyTorch mean takes one axis at a time: the LayerNorm's statistics over (F, S), per subject
      NDArray centred = z.sub(z.mean(new int[] {2}, true).mean(new int[] {1}, true));
      NDArray normed = centred.div(centred.square().mean(new int[] {2}, true).mean(new int[] {1}, true).add(EPS).sqrt());
      NDArray w = Layers.own(value(ps, position[1], bfs, training).reshape(1, f, s), bfs);
      NDArray bias = Layers.own(value(ps, position[2], bfs, training).reshape(1, f, s), bfs);
      bsf = normed.mul(w).add(bias).transpose(0, 2, 1);
    }
    NDArray emb = bsf; // the ResNet's slice embeddings: no dropout, no convolution after the positions
    if (last != null) {
      NDArray h = Dropout.dropout(bsf.reshape(b * s, f, 1, 1), (float) spec.dropout(), training).singletonOrThrow();
      emb = conv(ps, h, last, training, training).reshape(b, s, spec.width()); // (B, S, d)
    }
    NDArray agg = aggregate(ps, emb, training);
    return Activation.relu(Linear.linear(agg, value(ps, attnPost[0], agg, training), value(ps, attnPost[1], agg, training)).singletonOrThrow());
  }

  /** encoder1 on every slice: blocks, the 1x1 convolution, instance norm, ReLU and the average pool; (B, S, postChannels). */
  private NDArray encoder1Features(ParameterStore ps, NDArray x, boolean training) {
    long b = x.getShape().get(0);
    NDArray h = slices(x);
    for (int i = 0; i < blocks.size(); i++) {
      h = conv(ps, h, blocks.get(i), training, i > 0 && training);
      h = ConvEncoder2d.instanceNorm(h);
      h = Pool.maxPool2d(h, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
      h = Activation.relu(h);
    }
    h = Activation.relu(ConvEncoder2d.instanceNorm(conv(ps, h, post, training, training)));
    int[] k = spec.averagePool(dhw);
    h = Pool.avgPool2d(h, new Shape(k[0], k[1]), new Shape(k[0], k[1]), new Shape(0, 0), false, true); // (B*S, F, 1, 1)
    return h.reshape(b, h.getShape().get(0) / b, spec.postChannels());
  }

  /** The ResNet on every slice (one channel repeated to RGB), its map averaged, then the linear map; (B, S, width). */
  private NDArray resnetFeatures(ParameterStore ps, NDArray x, boolean training) {
    long b = x.getShape().get(0);
    NDArray h = slices(x);
    if (h.getShape().get(1) == 1) {
      h = ai.djl.ndarray.NDArrays.concat(new NDList(h, h, h), 1);
    }
    NDArray map = resnet.forward(ps, new NDList(h), training).singletonOrThrow();
    NDArray pooled = map.mean(new int[] {3}).mean(new int[] {2}); // torchvision's adaptive average pool to 1x1
    NDArray e = Linear.linear(pooled, value(ps, post[0], pooled, training), value(ps, post[1], pooled, training)).singletonOrThrow();
    return e.reshape(b, e.getShape().get(0) / b, spec.width());
  }

  /** Every slice of the view as the 2D image of the other two axes in (x, y, z) order, subject-major: (B * S, C, rows, columns). */
  private NDArray slices(NDArray x) {
    // x is (B, C, z, y, x)
    Shape sh = x.getShape();
    NDArray t = switch (spec.view()) {
      case SAGITTAL -> x.transpose(0, 4, 1, 3, 2); // (B, x, C, y, z)
      case CORONAL -> x.transpose(0, 3, 1, 4, 2); // (B, y, C, x, z)
      case AXIAL -> x.transpose(0, 2, 1, 4, 3); // (B, z, C, x, y)
    };
    Shape ts = t.getShape();
    return t.reshape(sh.get(0) * ts.get(1), ts.get(2), ts.get(3), ts.get(4));
  }

  private NDArray aggregate(ParameterStore ps, NDArray emb, boolean training) {
    int d = spec.width();
    return switch (spec.aggregation()) {
      case MEAN -> emb.mean(new int[] {1});
      case MAX -> emb.max(new int[] {1});
      case GATED_ATTENTION -> {
        NDArray v = Linear.linear(emb, value(ps, aggregation[0], emb, training), value(ps, aggregation[1], emb, training)).singletonOrThrow().tanh();
        NDArray a = Linear.linear(v, value(ps, aggregation[2], v, training), null).singletonOrThrow().softmax(1); // (B, S, 1)
        yield emb.mul(a).sum(new int[] {1});
      }
      case POOLED_ATTENTION -> {
        long b = emb.getShape().get(0);
        long s = emb.getShape().get(1);
        int h = spec.heads();
        int dh = d / h;
        NDArray key = Linear.linear(emb, value(ps, aggregation[1], emb, training), value(ps, aggregation[2], emb, training)).singletonOrThrow();
        NDArray val = Linear.linear(emb, value(ps, aggregation[3], emb, training), value(ps, aggregation[4], emb, training)).singletonOrThrow();
        NDArray query = Layers.own(value(ps, aggregation[0], emb, training).reshape(1, 1, h, dh), emb);
        NDArray scores = Scalars.div(key.reshape(b, s, h, dh).mul(query).sum(new int[] {3}), (float) Math.sqrt(dh)); // (B, S, h)
        NDArray a = scores.softmax(1).expandDims(3); // over slices
        NDArray pooled = val.reshape(b, s, h, dh).mul(a).sum(new int[] {1}).reshape(b, d); // head-major columns
        NDArray centred = pooled.sub(pooled.mean(new int[] {1}, true));
        NDArray normed = centred.div(centred.square().mean(new int[] {1}, true).add(EPS).sqrt())
            .mul(value(ps, aggregation[5], pooled, training)).add(value(ps, aggregation[6], pooled, training));
        yield Linear.linear(normed, value(ps, aggregation[7], normed, training), value(ps, aggregation[8], normed, training)).singletonOrThrow();
      }
    };
  }

  private static NDArray conv(ParameterStore ps, NDArray x, Parameter[] p, boolean training, boolean inputGradient) {
    Shape w = p[0].getShape();
    return Convolutions.conv(x, value(ps, p[0], x, training), value(ps, p[1], x, training), new Shape(1, 1), new Shape(w.get(2) / 2, w.get(3) / 2),
        new Shape(1, 1), inputGradient);
  }

  private static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), regressor[1].getShape().get(0))};
  }
}
