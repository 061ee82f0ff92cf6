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
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.model.MedicalTransformerJun2021Spec;
import org.brainbench.api.model.Objective;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.tasks.TaskType;

/**
 * The Medical Transformer as its authors released it ({@link MedicalTransformerJun2021Spec}), with
 * their parameter names. Inputs: the volume (B, C, D, H, W), then for pre-training optionally the
 * fixed draws ({@link #DRAWS}): per view its masked slice indices (masked encoding) or its intensity
 * curve (triplet). Outputs: logits or the standardised value (B, K); for pre-training {loss (scalar),
 * encoding spread (scalar)}; {@link #probes} gives the intermediate tensors a reference compares.
 */
public final class MedicalTransformerJun2021Block extends AbstractBlock implements TakesDraws, Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<MedicalTransformerJun2021Spec> {
    @Override
    public Class<MedicalTransformerJun2021Spec> specType() {
      return MedicalTransformerJun2021Spec.class;
    }

    @Override
    public Block build(MedicalTransformerJun2021Spec spec, TaskHead head, NamedParameters names) {
      return new MedicalTransformerJun2021Block(spec, head, names);
    }
  }


  private final MedicalTransformerJun2021Spec spec;
  private final TaskHead head;
  private final Objective objective;
  private final List<View> views;
  /** One encoder per view in triplet pre-training, else one shared by the views (index 0). */
  private final List<Encoder> encoders = new ArrayList<>();
  private final Transformer transformer;
  private final Parameter headWeight;
  private final Parameter headBias;
  private Batch.Draws draws;

  MedicalTransformerJun2021Block(MedicalTransformerJun2021Spec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    this.views = spec.views();
    this.objective = head.type() == TaskType.PRETRAIN ? head.objectiveOf(spec) : null;
    if (objective == Objective.TRIPLET) {
      for (View v : views) {
        encoders.add(new Encoder(MedicalTransformerJun2021Spec.encoderName(v), names));
      }
      transformer = null;
    } else {
      encoders.add(new Encoder("encoding", names));
      transformer = new Transformer(names);
    }
    if (head.type() == TaskType.CLASSIFY || head.type() == TaskType.REGRESS) {
      long in = (long) views.size() * spec.embedDim();
      headWeight = param("head.weight", new Shape(head.outputs(), in), new NormalInitializer(0.01f), names);
      headBias = param("head.bias", new Shape(head.outputs()), Initializer.ZEROS, names);
    } else {
      headWeight = null;
      headBias = null;
    }
  }

  private Parameter param(String name, Shape shape, Initializer init, NamedParameters names) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build());
    names.add(name, p);
    return p;
  }

  private Parameter buffer(String name, Shape shape, Initializer init, NamedParameters names) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init)
        .optRequiresGrad(false).build());
    names.addBuffer(name, p);
    return p;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // every parameter is this block's own, shaped at construction
  }

  @Override
  public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
    super.initialize(manager, dataType, inputShapes);
    if (objective == Objective.MASKED_ENCODING) {
      // the encoder comes frozen from the triplet stage: only the Transformer trains
      encoders.get(0).parameters.forEach(p -> p.freeze(true));
    }
  }

  @Override
  public void draws(Batch.Draws d) {
    this.draws = d;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (objective == Objective.TRIPLET) {
      NDArray loss = null;
      List<NDArray> anchors = new ArrayList<>();
      for (int i = 0; i < views.size(); i++) {
        View v = views.get(i);
        Triplet t = triplet(ps, x, v, encoders.get(i), curve(v, x), training);
        loss = loss == null ? t.loss : loss.add(t.loss);
        anchors.add(t.anchor);
      }
      return new NDList(loss, spread(anchors));
    }
    if (objective == Objective.MASKED_ENCODING) {
      NDArray loss = null;
      List<NDArray> encodings = new ArrayList<>();
      for (View v : views) {
        Masked m = masked(ps, x, v, maskIndices(v, x), training);
        loss = loss == null ? m.mse : loss.add(m.mse);
        encodings.add(m.encoding);
      }
      return new NDList(loss, spread(encodings));
    }
    return Linear.linear(features(ps, x, training), value(ps, headWeight, x, training), value(ps, headBias, x, training));
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    return features(ps, x, false);
  }

  /** Each view's Transformer outputs averaged over its slices, views concatenated: the head's input (B, views x d). */
  private NDArray features(ParameterStore ps, NDArray x, boolean training) {
    List<NDArray> pooled = new ArrayList<>();
    for (View v : views) {
      NDArray encoding = encoders.get(0).forward(ps, viewTensor(x, v), training); // (B, d, S)
      NDArray hidden = transformer.forward(ps, encoding.transpose(0, 2, 1), v, training); // (B, S, d)
      pooled.add(hidden.mean(new int[] {1}));
    }
    return pooled.size() == 1 ? pooled.get(0) : NDArrays.concat(new NDList(pooled.toArray(NDArray[]::new)), 1);
  }

  /**
   * The intermediate tensors a reference compares, in inference mode, named as the authors'
   * reference fixtures name them: {@code encoding_<view>} (B, d, S) always; for masked encoding
   * {@code transformer_<view>} (B, d, S) of the masked sequence and {@code loss}; for triplet
   * {@code anchor_/positive_<view>} and {@code loss}; for the supervised heads
   * {@code transformer_<view>} of the whole sequence.
   */
  Map<String, NDArray> probes(ParameterStore ps, NDArray x) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray loss = null;
    for (int i = 0; i < views.size(); i++) {
      View v = views.get(i);
      if (objective == Objective.TRIPLET) {
        Triplet t = triplet(ps, x, v, encoders.get(i), curve(v, x), false);
        out.put("anchor_" + v.id(), t.anchor);
        out.put("positive_" + v.id(), t.positive);
        out.put("loss_" + v.id(), t.loss);
        loss = loss == null ? t.loss : loss.add(t.loss);
      } else if (objective == Objective.MASKED_ENCODING) {
        Masked m = masked(ps, x, v, maskIndices(v, x), false);
        out.put("encoding_" + v.id(), m.encoding);
        out.put("transformer_" + v.id(), m.hidden.transpose(0, 2, 1));
        out.put("mse_" + v.id(), m.mse);
        loss = loss == null ? m.mse : loss.add(m.mse);
      } else {
        NDArray encoding = encoders.get(0).forward(ps, viewTensor(x, v), false);
        out.put("encoding_" + v.id(), encoding);
        out.put("transformer_" + v.id(), transformer.forward(ps, encoding.transpose(0, 2, 1), v, false).transpose(0, 2, 1));
      }
    }
    if (loss != null) {
      out.put("loss", loss);
    }
    return out;
  }

  /** The view's tensor (B, C, plane height, plane width, slices) in the authors' layout, from (B, C, D, H, W) = (z, y, x). */
  static NDArray viewTensor(NDArray x, View v) {
    return switch (v) {
      case AXIAL -> x.transpose(0, 1, 4, 3, 2); // (x, y) planes along z
      case SAGITTAL -> x; // (z, y) planes along x
      case CORONAL -> x.transpose(0, 1, 4, 2, 3); // (x, z) planes along y
    };
  }

  private record Masked(NDArray encoding, NDArray hidden, NDArray mse) {}

  /**
   * One view of masked encoding vector prediction: the encoding (frozen), the masked slices replaced
   * by the encoding of a constant -1 slice, the Transformer, and the mean squared error at the masked
   * slices between its outputs and the encodings they hid.
   */
  private Masked masked(ParameterStore ps, NDArray x, View v, NDArray indices, boolean training) {
    Encoder encoder = encoders.get(0);
    NDArray xv = viewTensor(x, v);
    NDArray encoding = encoder.forward(ps, xv, training).stopGradient(); // (B, d, S)
    Shape s = xv.getShape();
    long slices = s.get(4);
    NDArray constant = x.getManager().full(new Shape(1, s.get(1), s.get(2), s.get(3), 1), -1f);
    NDArray token = encoder.forward(ps, constant, training).stopGradient(); // (1, d, 1)
    NDArray mask = x.getManager().zeros(new Shape(slices));
    mask.set(new ai.djl.ndarray.index.NDIndex("{}", indices), 1f); // (S): 1 at the masked slices
    NDArray tokens = encoding.mul(mask.neg().add(1)).add(token.mul(mask)); // (B, d, S)
    NDArray hidden = transformer.forward(ps, tokens.transpose(0, 2, 1), v, training); // (B, S, d)
    NDArray target = encoding.transpose(0, 2, 1);
    NDArray squared = hidden.sub(target).square().mul(mask.reshape(1, slices, 1));
    long count = s.get(0) * spec.embedDim() * indices.getShape().get(0);
    return new Masked(encoding, hidden, Scalars.div(squared.sum(), (float) count));
  }

  /** The masked slices of a view: the batch's fixed ones, or ⌊S × ratio⌋ distinct ones drawn from the engine. */
  private NDArray maskIndices(View v, NDArray x) {
    long slices = viewTensor(x, v).getShape().get(4);
    int[] fixed = draws == null ? null : draws.maskedSlices().get(v.id());
    if (fixed != null) {
      return x.getManager().create(fixed).toType(DataType.INT64, false);
    }
    int m = spec.masked((int) slices);
    return x.getManager().randomUniform(0f, 1f, new Shape(slices)).argSort().get("0:" + m);
  }

  private record Triplet(NDArray anchor, NDArray positive, NDArray loss) {}

  /**
   * One view of the triplet objective: anchor = the scan, positive = the scan through the view's
   * intensity curve, negative = the next scan of the batch; the margin loss over the slice axis.
   */
  private Triplet triplet(ParameterStore ps, NDArray x, View v, Encoder encoder, org.brainbench.tasks.preprocess.BezierIntensity curve,
      boolean training) {
    NDArray anchor = encoder.forward(ps, viewTensor(x, v), training); // (B, d, S)
    float[] transformed = curve.table().apply(x.toFloatArray());
    NDArray positiveInput = x.getManager().create(transformed, x.getShape());
    NDArray positive = encoder.forward(ps, viewTensor(positiveInput, v), training);
    // the negative is the next scan through the same encoder: its anchor encoding, rolled by one
    long b = x.getShape().get(0);
    NDArray negative = b == 1 ? anchor : NDArrays.concat(new NDList(anchor.get("1:"), anchor.get("0:1")), 0);
    NDArray dap = anchor.sub(positive).add(1e-6f).square().sum(new int[] {2}).sqrt();
    NDArray dan = anchor.sub(negative).add(1e-6f).square().sum(new int[] {2}).sqrt();
    NDArray loss = Scalars.maximum(dap.sub(dan).add((float) spec.tripletMargin()), 0f).mean();
    return new Triplet(anchor, positive, loss);
  }

  /** A view's intensity curve: the batch's fixed one, or five draws from the engine's generator. */
  private org.brainbench.tasks.preprocess.BezierIntensity curve(View v, NDArray x) {
    double[] c = draws == null ? null : draws.intensityCurves().get(v.id());
    if (c != null) {
      return new org.brainbench.tasks.preprocess.BezierIntensity(c[0], c[1], c[2], c[3], c[4] != 0);
    }
    try (NDArray u = x.getManager().randomUniform(0f, 1f, new Shape(5))) {
      float[] f = u.toFloatArray();
      int[] next = {0};
      return org.brainbench.tasks.preprocess.BezierIntensity.draw(() -> f[next[0]++]);
    }
  }

  /** Mean over channels of the standard deviation across slices and scans of the encodings: 0 when every slice encodes alike. */
  private NDArray spread(List<NDArray> encodings) {
    NDArray all = NDArrays.concat(new NDList(encodings.stream().map(e -> e.transpose(0, 2, 1).reshape(-1, spec.embedDim()))
        .toArray(NDArray[]::new)), 0);
    return all.sub(all.mean(new int[] {0}, true)).square().mean(new int[] {0}).sqrt().mean().stopGradient();
  }

  private static NDArray value(ParameterStore ps, Parameter p, NDArray step, boolean training) {
    return ps.getValue(p, step.getDevice(), training);
  }

  /** Instance norm without parameters over every axis but batch and channel (eps 1e-5, biased), as PyTorch's fused layer norm. */
  private static NDArray instanceNorm(NDArray x) {
    Shape spatial = x.getShape().slice(2);
    NDManager m = x.getManager();
    // scale and shift stay open with the step's manager: backward reads them
    NDArray scale = m.ones(spatial);
    NDArray shift = m.zeros(spatial);
    return x.getNDArrayInternal().layerNorm(x, spatial, scale, shift, 1e-5f).singletonOrThrow();
  }

  /** The authors' ResNet-18 slice encoder on a view tensor (B, C, H, W, S): (B, embedDim, S). */
  private final class Encoder {
    private final List<Parameter> parameters = new ArrayList<>();
    private final Parameter stem;
    private final List<Parameter[]> blocks = new ArrayList<>(); // conv1, conv2, downsample (or null)
    private final List<Integer> strides = new ArrayList<>();
    private final Parameter fcWeight;
    private final Parameter fcBias;

    Encoder(String prefix, NamedParameters names) {
      int c = spec.width();
      stem = conv(prefix + ".conv1.weight", c, head.inputChannels(), 7, names);
      int in = c;
      for (int stage = 0; stage < 4; stage++) {
        int out = c << stage;
        for (int b = 0; b < 2; b++) {
          int stride = stage > 0 && b == 0 ? 2 : 1;
          String name = prefix + ".layer" + (stage + 1) + "." + b;
          Parameter down = stride != 1 || in != out ? conv(name + ".downsample.0.weight", out, in, 1, names) : null;
          blocks.add(new Parameter[] {conv(name + ".conv1.weight", out, in, 3, names), conv(name + ".conv2.weight", out, out, 3, names), down});
          strides.add(stride);
          in = out;
        }
      }
      fcWeight = own(param(prefix + ".fc.weight", new Shape(spec.embedDim(), in), new NormalInitializer(0.01f), names));
      fcBias = own(param(prefix + ".fc.bias", new Shape(spec.embedDim()), Initializer.ZEROS, names));
    }

    private Parameter own(Parameter p) {
      parameters.add(p);
      return p;
    }

    /** A (k, k, 1) convolution without bias, initialised as the authors' model does: N(0, 2 / (in k k)). */
    private Parameter conv(String name, int out, int in, int k, NamedParameters names) {
      float sd = (float) Math.sqrt(2.0 / (in * k * k));
      return own(param(name, new Shape(out, in, k, k, 1), new NormalInitializer(sd), names));
    }

    NDArray forward(ParameterStore ps, NDArray x, boolean training) {
      // the input is a scan: a gradient flows inside the encoder only while the encoder trains
      boolean gradients = training && stem.requiresGradient();
      NDArray h = Convolutions.conv(x, value(ps, stem, x, training), null, new Shape(2, 2, 1), new Shape(3, 3, 0), new Shape(1, 1, 1), false);
      h = Activation.relu(instanceNorm(h));
      h = Pool.maxPool3d(h, new Shape(3, 3, 1), new Shape(2, 2, 1), new Shape(1, 1, 0), false);
      for (int i = 0; i < blocks.size(); i++) {
        Parameter[] p = blocks.get(i);
        int s = strides.get(i);
        NDArray y = Convolutions.conv(h, value(ps, p[0], h, training), null, new Shape(s, s, 1), new Shape(1, 1, 0), new Shape(1, 1, 1), gradients);
        y = Activation.relu(instanceNorm(y));
        y = Convolutions.conv(y, value(ps, p[1], y, training), null, new Shape(1, 1, 1), new Shape(1, 1, 0), new Shape(1, 1, 1), gradients);
        y = instanceNorm(y);
        NDArray shortcut = p[2] == null ? h
            : instanceNorm(Convolutions.conv(h, value(ps, p[2], h, training), null, new Shape(s, s, 1), new Shape(0, 0, 0), new Shape(1, 1, 1), gradients));
        h = Activation.relu(y.add(shortcut));
      }
      int k = spec.poolWindow();
      Shape hs = h.getShape();
      NDArray pooled = k == 0 ? h.mean(new int[] {2}).mean(new int[] {2}) // (B, 8c, S)
          : Pool.avgPool3d(h, new Shape(k, k, 1), new Shape(k, k, 1), new Shape(0, 0, 0), false, true).reshape(hs.get(0), hs.get(1), hs.get(4));
      NDArray perSlice = pooled.transpose(0, 2, 1); // (B, S, 8c)
      return Linear.linear(perSlice, value(ps, fcWeight, x, training), value(ps, fcBias, x, training)).singletonOrThrow().transpose(0, 2, 1);
    }
  }

  /** The authors' Transformer, shared by the views and run on each view's sequence (B, S, d) apart. */
  private final class Transformer {
    private final Parameter pe;
    private final Parameter seg;
    private final List<Parameter[]> layers = new ArrayList<>();
    private final Parameter[] finalNorm;

    Transformer(NamedParameters names) {
      int d = spec.embedDim();
      int base = spec.positionBase(head.inputShape());
      pe = buffer("TF.pos_embed.pe", new Shape(1, base, d), new PositionTable(base, d), names);
      seg = param("TF.pos_embed.seg_embedding.weight", new Shape(3, d), new NormalInitializer(1f), names);
      int hk = spec.heads() * spec.headDim();
      for (int i = 0; i < spec.depth(); i++) {
        String p = "TF.encoding_block.layers." + i + ".";
        layers.add(new Parameter[] {
          param(p + "norm_1.alpha", new Shape(d), Initializer.ONES, names), param(p + "norm_1.bias", new Shape(d), Initializer.ZEROS, names),
          param(p + "norm_2.alpha", new Shape(d), Initializer.ONES, names), param(p + "norm_2.bias", new Shape(d), Initializer.ZEROS, names),
          linearWeight(p + "attn.q_linear", hk, d, names), linearBias(p + "attn.q_linear", hk, names),
          linearWeight(p + "attn.k_linear", hk, d, names), linearBias(p + "attn.k_linear", hk, names),
          linearWeight(p + "attn.v_linear", hk, d, names), linearBias(p + "attn.v_linear", hk, names),
          linearWeight(p + "attn.out", d, hk, names), linearBias(p + "attn.out", d, names),
          linearWeight(p + "ff.linear_1", spec.ffn(), d, names), linearBias(p + "ff.linear_1", spec.ffn(), names),
          linearWeight(p + "ff.linear_2", d, spec.ffn(), names), linearBias(p + "ff.linear_2", d, names)});
      }
      finalNorm = new Parameter[] {param("TF.encoding_block.norm.alpha", new Shape(d), Initializer.ONES, names),
        param("TF.encoding_block.norm.bias", new Shape(d), Initializer.ZEROS, names)};
    }

    private Parameter linearWeight(String prefix, int out, int in, NamedParameters names) {
      return param(prefix + ".weight", new Shape(out, in), new NormalInitializer(0.01f), names);
    }

    private Parameter linearBias(String prefix, int out, NamedParameters names) {
      return param(prefix + ".bias", new Shape(out), Initializer.ZEROS, names);
    }

    NDArray forward(ParameterStore ps, NDArray tokens, View v, boolean training) {
      long b = tokens.getShape().get(0);
      long slices = tokens.getShape().get(1);
      float drop = (float) spec.dropout();
      NDArray table = value(ps, pe, tokens, training);
      NDArray rows = value(ps, seg, tokens, training);
      // slices of parameters belong to the model's manager unless handed to the step's
      NDArray positions = Layers.own(table.get(":, 0:" + slices + ", :"), tokens);
      NDArray view = Layers.own(rows.get(MedicalTransformerJun2021Spec.viewRow(v)), tokens);
      NDArray x = Scalars.mul(tokens, (float) Math.sqrt(spec.embedDim())).add(positions).add(view);
      for (Parameter[] p : layers) {
        NDArray h = norm(x, value(ps, p[0], x, training), value(ps, p[1], x, training));
        NDArray q = heads(Linear.linear(h, value(ps, p[4], h, training), value(ps, p[5], h, training)).singletonOrThrow(), b, slices);
        NDArray k = heads(Linear.linear(h, value(ps, p[6], h, training), value(ps, p[7], h, training)).singletonOrThrow(), b, slices);
        NDArray val = heads(Linear.linear(h, value(ps, p[8], h, training), value(ps, p[9], h, training)).singletonOrThrow(), b, slices);
        NDArray scores = Scalars.div(q.matMul(k.transpose(0, 1, 3, 2)), (float) Math.sqrt(spec.headDim())).softmax(-1);
        scores = Dropout.dropout(scores, drop, training).singletonOrThrow();
        NDArray attended = scores.matMul(val).transpose(0, 2, 1, 3).reshape(b, slices, (long) spec.heads() * spec.headDim());
        NDArray out = Linear.linear(attended, value(ps, p[10], attended, training), value(ps, p[11], attended, training)).singletonOrThrow();
        x = x.add(Dropout.dropout(out, drop, training).singletonOrThrow());
        h = norm(x, value(ps, p[2], x, training), value(ps, p[3], x, training));
        NDArray ff = Activation.relu(Linear.linear(h, value(ps, p[12], h, training), value(ps, p[13], h, training)).singletonOrThrow());
        ff = Dropout.dropout(ff, drop, training).singletonOrThrow();
        ff = Linear.linear(ff, value(ps, p[14], ff, training), value(ps, p[15], ff, training)).singletonOrThrow();
        x = x.add(Dropout.dropout(ff, drop, training).singletonOrThrow());
      }
      return norm(x, value(ps, finalNorm[0], x, training), value(ps, finalNorm[1], x, training));
    }

    /** (B, S, h * dk) to (B, h, S, dk): feature = head * dk + k, as the authors split them. */
    private NDArray heads(NDArray x, long b, long slices) {
      return x.reshape(b, slices, spec.heads(), spec.headDim()).transpose(0, 2, 1, 3);
    }

    /** The authors' Norm: α (x - mean) / (unbiased sd + 1e-6) + β over the last axis. */
    private NDArray norm(NDArray x, NDArray alpha, NDArray bias) {
      long d = x.getShape().get(x.getShape().dimension() - 1);
      NDArray centred = x.sub(x.mean(new int[] {-1}, true));
      NDArray sd = Scalars.div(centred.square().sum(new int[] {-1}, true), (float) (d - 1)).sqrt();
      return centred.div(sd.add(1e-6f)).mul(alpha).add(bias);
    }
  }

  /** The authors' fixed positional table: column j of row pos is sin (j even) or cos (j odd) of pos / base^(2j / d). */
  static final class PositionTable implements Initializer {
    private final int base;
    private final int dim;

    PositionTable(int base, int dim) {
      this.base = base;
      this.dim = dim;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
      return manager.create(MedicalTransformerJun2021Spec.positionTable(base, dim), shape);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return head.type() == TaskType.PRETRAIN ? new Shape[] {new Shape(), new Shape()} : new Shape[] {new Shape(in.get(0), head.outputs())};
  }
}
