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
 * state-dict names and with their initialisation: encoder1 per slice, the optional position table
 * with its joint LayerNorm, the aggregation over slices, {@code attn_post}, ReLU and {@code
 * regressor.1}. Outputs (B, K): the age, one logit of two classes, or one per class.
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
  private final Parameter[] post;
  private final Parameter[] position; // table, ln weight, ln bias (or null)
  private final Parameter[] last;
  private final Parameter[] aggregation;
  private final Parameter[] attnPost;
  private final Parameter[] regressor;

  SliceSetBlock(SliceCnnGupta2021Spec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.dhw = head.inputShape().clone();
    int in = head.inputChannels();
    for (int i = 0; i < spec.channels().size(); i++) {
      int c = spec.channels().get(i);
      blocks.add(conv("encoder_2d.encoder_2d." + i + ".0", c, in, 3, names));
      in = c;
    }
    int f = spec.postChannels();
    post = conv("encoder_2d.post_proc_conv.0", f, in, 1, names);
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
    int d = spec.width();
    last = conv("encoder_2d.post_position_encoding.1", d, f, 1, names);
    aggregation = switch (spec.aggregation()) {
      case POOLED_ATTENTION -> new Parameter[] {
        param("pooled_attention.S", new Shape(1, d), new UniformInitializer((float) Math.sqrt(6.0 / (1 + d))), names),
        param("pooled_attention.fc_k.weight", new Shape(d, d), new NormalInitializer(0.01f), names),
        param("pooled_attention.fc_k.bias", new Shape(d), Initializer.ZEROS, names),
        param("pooled_attention.fc_v.weight", new Shape(d, d), new NormalInitializer(0.01f), names),
        param("pooled_attention.fc_v.bias", new Shape(d), Initializer.ZEROS, names),
        param("pooled_attention.ln0.weight", new Shape(d), Initializer.ONES, names),
        param("pooled_attention.ln0.bias", new Shape(d), Initializer.ZEROS, names),
        param("pooled_attention.fc_o.weight", new Shape(d, d), new NormalInitializer(0.01f), names),
        param("pooled_attention.fc_o.bias", new Shape(d), Initializer.ZEROS, names)};
      case GATED_ATTENTION -> new Parameter[] {
        param("gated_attention.V.weight", new Shape(d, d), new NormalInitializer(0.01f), names),
        param("gated_attention.V.bias", new Shape(d), Initializer.ZEROS, names),
        param("gated_attention.w.weight", new Shape(1, d), new NormalInitializer(0.01f), names)};
      case MEAN, MAX -> new Parameter[0];
    };
    attnPost = new Parameter[] {param("attn_post.weight", new Shape(SliceCnnGupta2021Spec.HIDDEN, d), new NormalInitializer(0.01f), names),
      param("attn_post.bias", new Shape(SliceCnnGupta2021Spec.HIDDEN), Initializer.ZEROS, names)};
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

  private Parameter param(String name, Shape shape, Initializer init, NamedParameters names) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build());
    names.add(name, p);
    return p;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // every parameter is this block's own, shaped at construction
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
    long s = h.getShape().get(0) / b;
    int f = spec.postChannels();
    if (position != null) {
      NDArray bfs = h.reshape(b, s, f).transpose(0, 2, 1); // (B, F, S)
      NDArray table = Layers.own(value(ps, position[0], bfs, training).reshape(1, f, s), bfs);
      NDArray z = bfs.add(table);
      // DJL's PyTorch mean takes one axis at a time: the LayerNorm's statistics over (F, S), per subject
      NDArray centred = z.sub(z.mean(new int[] {2}, true).mean(new int[] {1}, true));
      NDArray normed = centred.div(centred.square().mean(new int[] {2}, true).mean(new int[] {1}, true).add(EPS).sqrt());
      NDArray w = Layers.own(value(ps, position[1], bfs, training).reshape(1, f, s), bfs);
      NDArray bias = Layers.own(value(ps, position[2], bfs, training).reshape(1, f, s), bfs);
      h = normed.mul(w).add(bias).transpose(0, 2, 1).reshape(b * s, f, 1, 1);
    }
    h = Dropout.dropout(h, (float) spec.dropout(), training).singletonOrThrow();
    NDArray emb = conv(ps, h, last, training, training).reshape(b, s, spec.width()); // (B, S, d)
    NDArray agg = aggregate(ps, emb, training);
    return Activation.relu(Linear.linear(agg, value(ps, attnPost[0], agg, training), value(ps, attnPost[1], agg, training)).singletonOrThrow());
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
