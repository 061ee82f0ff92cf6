package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.InflatedVitZhang2022Spec;
import org.brainbench.api.model.Resampling;
import org.brainbench.api.model.TaskHead;
import org.brainbench.tasks.TaskType;

/**
 * TransSeg ({@link InflatedVitZhang2022Spec}) on DJL, under the authors' state-dict names and with
 * their initialisation: every axial slice's window of neighbouring slices through the BEiT encoder;
 * for segmentation the UperNet decoder's centre-slice logits, stacked to the volume (B, K, z, y, x);
 * for classify and regress the mean of the last block's patch tokens over every window, a LayerNorm
 * and a linear head.
 */
public final class TransSegBlock extends AbstractBlock implements Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<InflatedVitZhang2022Spec> {
    @Override
    public Class<InflatedVitZhang2022Spec> specType() {
      return InflatedVitZhang2022Spec.class;
    }

    @Override
    public Block build(InflatedVitZhang2022Spec spec, TaskHead head, NamedParameters names) {
      return new TransSegBlock(spec, head, names);
    }
  }

  private static final float LN_EPS = 1e-6f;

  private final InflatedVitZhang2022Spec spec;
  private final TaskHead head;
  private final int[] dhw;
  private final int[] grid;
  private final long[] index;
  private final Parameter cls;
  private final Parameter[] patch; // weight (E, C, window, p, p), bias
  private final List<Parameter[]> blocks = new ArrayList<>();
  // segment
  private final Parameter[] fpn1a;
  private final BatchNorm fpn1bn;
  private final Parameter[] fpn1b;
  private final Parameter[] fpn2;
  private final List<Cbr> psp = new ArrayList<>();
  private final Cbr bottleneck;
  private final List<Cbr> laterals = new ArrayList<>();
  private final List<Cbr> fpnConvs = new ArrayList<>();
  private final Cbr fpnBottleneck;
  private final Parameter[] convSeg;
  // classify, regress
  private final Parameter[] headNorm;
  private final Parameter[] headOut;

  /** mmcv's ConvModule: convolution without bias, batch norm, ReLU. */
  private record Cbr(Parameter weight, BatchNorm bn) {}

  TransSegBlock(InflatedVitZhang2022Spec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    this.dhw = head.inputShape().clone();
    this.grid = spec.grid(dhw);
    this.index = spec.relativePositionIndex(dhw);
    int e = spec.dim();
    int c = head.inputChannels();
    int p = spec.patch();
    cls = param("encoder.cls_token", new Shape(1, 1, e), new TruncatedNormalInitializer(0.02f), names);
    // the patch embedding is a Conv3d: PyTorch's default, uniform within 1/sqrt(fan in) (BEiT re-initialises Linear layers only)
    float patchBound = (float) (1 / Math.sqrt((double) c * spec.window() * p * p));
    patch = new Parameter[] {param("encoder.patch_embed.proj.weight", new Shape(e, c, spec.window(), p, p), new UniformInitializer(patchBound), names),
      param("encoder.patch_embed.proj.bias", new Shape(e), new UniformInitializer(patchBound), names)};
    long rows = spec.tableRows(dhw);
    int hidden = spec.hidden();
    for (int i = 0; i < spec.depth(); i++) {
      String b = "encoder.blocks." + i;
      // BEiT's fix_init_weight: proj and fc2 divided by sqrt(2 (layer + 1)) after the truncated normal
      float rescaled = (float) (0.02 / Math.sqrt(2.0 * (i + 1)));
      blocks.add(new Parameter[] {
        param(b + ".gamma_1", new Shape(e), Initializer.ONES, names),
        param(b + ".gamma_2", new Shape(e), Initializer.ONES, names),
        param(b + ".norm1.weight", new Shape(e), Initializer.ONES, names),
        param(b + ".norm1.bias", new Shape(e), Initializer.ZEROS, names),
        param(b + ".attn.q_bias", new Shape(e), Initializer.ZEROS, names),
        param(b + ".attn.v_bias", new Shape(e), Initializer.ZEROS, names),
        param(b + ".attn.relative_position_bias_table", new Shape(rows, spec.heads()), Initializer.ZEROS, names),
        param(b + ".attn.qkv.weight", new Shape(3L * e, e), new TruncatedNormalInitializer(0.02f), names),
        param(b + ".attn.proj.weight", new Shape(e, e), new TruncatedNormalInitializer(rescaled), names),
        param(b + ".attn.proj.bias", new Shape(e), Initializer.ZEROS, names),
        param(b + ".norm2.weight", new Shape(e), Initializer.ONES, names),
        param(b + ".norm2.bias", new Shape(e), Initializer.ZEROS, names),
        param(b + ".mlp.fc1.weight", new Shape(hidden, e), new TruncatedNormalInitializer(0.02f), names),
        param(b + ".mlp.fc1.bias", new Shape(hidden), Initializer.ZEROS, names),
        param(b + ".mlp.fc2.weight", new Shape(e, hidden), new TruncatedNormalInitializer(rescaled), names),
        param(b + ".mlp.fc2.bias", new Shape(e), Initializer.ZEROS, names)});
    }
    if (head.type() != TaskType.SEGMENT) {
      headNorm = new Parameter[] {param("head_norm.weight", new Shape(e), Initializer.ONES, names),
        param("head_norm.bias", new Shape(e), Initializer.ZEROS, names)};
      headOut = new Parameter[] {param("head.weight", new Shape(head.outputs(), e), new TruncatedNormalInitializer(0.02f), names),
        param("head.bias", new Shape(head.outputs()), Initializer.ZEROS, names)};
      fpn1a = fpn1b = fpn2 = convSeg = null;
      fpn1bn = null;
      bottleneck = fpnBottleneck = null;
      return;
    }
    headNorm = headOut = null;
    fpn1a = deconv("decoder.fpn1.0", e, names);
    fpn1bn = addChildBlock("fpn1_bn", Layers.batchNorm());
    names.addBatchNorm("decoder.fpn1.1", fpn1bn);
    fpn1b = deconv("decoder.fpn1.3", e, names);
    fpn2 = deconv("decoder.fpn2.0", e, names);
    for (int i = 0; i < InflatedVitZhang2022Spec.POOL_SCALES.size(); i++) {
      psp.add(cbr("decoder.psp_modules." + i + ".1", e, e, 1, names));
    }
    bottleneck = cbr("decoder.bottleneck", e * (1 + InflatedVitZhang2022Spec.POOL_SCALES.size()), e, 3, names);
    for (int i = 0; i < 3; i++) {
      laterals.add(cbr("decoder.lateral_convs." + i, e, e, 1, names));
    }
    for (int i = 0; i < 3; i++) {
      fpnConvs.add(cbr("decoder.fpn_convs." + i, e, e, 3, names));
    }
    fpnBottleneck = cbr("decoder.fpn_bottleneck", 4 * e, e, 3, names);
    // mmseg's normal_init(conv_seg, std=0.01)
    convSeg = new Parameter[] {param("decoder.conv_seg.weight", new Shape(head.outputs(), e, 1, 1), new NormalInitializer(0.01f), names),
      param("decoder.conv_seg.bias", new Shape(head.outputs()), Initializer.ZEROS, names)};
  }

  /** ConvTranspose2d(e, e, 2, stride 2), weight (in, out, 2, 2): PyTorch's default, its fan in taken from dim 1 (out x 4). */
  private Parameter[] deconv(String prefix, int e, NamedParameters names) {
    float bound = (float) (1 / Math.sqrt(4.0 * e));
    return new Parameter[] {param(prefix + ".weight", new Shape(e, e, 2, 2), new UniformInitializer(bound), names),
      param(prefix + ".bias", new Shape(e), new UniformInitializer(bound), names)};
  }

  /** A ConvModule: mmcv's kaiming init (normal, fan out, ReLU), batch norm at ones and zeros. */
  private Cbr cbr(String prefix, int in, int out, int k, NamedParameters names) {
    Parameter w = param(prefix + ".conv.weight", new Shape(out, in, k, k), new NormalInitializer((float) Math.sqrt(2.0 / (out * k * k))), names);
    BatchNorm bn = addChildBlock(prefix.replace('.', '_') + "_bn", Layers.batchNorm());
    names.addBatchNorm(prefix + ".bn", bn);
    return new Cbr(w, bn);
  }

  private Parameter param(String name, Shape shape, Initializer init, NamedParameters names) {
    Parameter p = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build());
    names.add(name, p);
    return p;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // the batch norms only need their channels
    Shape any = new Shape(2, spec.dim(), 2, 2);
    for (Block b : getChildren().values()) {
      b.initialize(manager, dataType, any);
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    long b = x.getShape().get(0);
    List<NDArray> tokens = encode(ps, windows(x), training);
    if (head.type() != TaskType.SEGMENT) {
      NDArray e = headInput(ps, tokens.get(tokens.size() - 1), b, training);
      return new NDList(Linear.linear(e, value(ps, headOut[0], e, training), value(ps, headOut[1], e, training)).singletonOrThrow());
    }
    NDArray logits = decode(ps, tokens, training); // (B z, K, y, x)
    long z = dhw[0];
    return new NDList(logits.reshape(b, z, head.outputs(), dhw[1], dhw[2]).transpose(0, 2, 1, 3, 4));
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    List<NDArray> tokens = encode(ps, windows(x), false);
    return headInput(ps, tokens.get(tokens.size() - 1), x.getShape().get(0), false);
  }

  /** LayerNorm of the mean of the last block's patch tokens over every window of each volume: (B, E). */
  private NDArray headInput(ParameterStore ps, NDArray last, long b, boolean training) {
    NDArray mean = last.get(":, 1:, :").reshape(b, -1, spec.dim()).mean(new int[] {1});
    return layerNorm(ps, mean, headNorm[0], headNorm[1], training);
  }

  /**
   * Every axial slice's window (edge slices repeated) as one sample: (B, C, z, y, x) to (B z, C,
   * window, y, x), subject-major.
   */
  private NDArray windows(NDArray x) {
    int half = spec.window() / 2;
    long z = x.getShape().get(2);
    NDList parts = new NDList();
    for (int i = 0; i < half; i++) {
      parts.add(x.get(":, :, 0:1"));
    }
    parts.add(x);
    for (int i = 0; i < half; i++) {
      parts.add(x.get(":, :, " + (z - 1) + ":" + z));
    }
    NDArray padded = NDArrays.concat(parts, 2);
    NDList shifted = new NDList();
    for (int o = 0; o < spec.window(); o++) {
      shifted.add(padded.get(new NDIndex(":, :, {}:{}", o, o + z)));
    }
    NDArray w = NDArrays.stack(shifted, 3); // (B, C, z, window, y, x)
    Shape s = w.getShape();
    return w.transpose(0, 2, 1, 3, 4, 5).reshape(s.get(0) * z, s.get(1), spec.window(), s.get(4), s.get(5));
  }

  /** The encoder: every block's output (N, 1 + T, E), [CLS] first. */
  private List<NDArray> encode(ParameterStore ps, NDArray w, boolean training) {
    Shape s = w.getShape();
    long n = s.get(0);
    int p = spec.patch();
    int e = spec.dim();
    // the patch convolution (kernel = stride = window x p x p) as one product: tokens h-major, w fastest
    NDArray patches = w.reshape(n, s.get(1), s.get(2), grid[0], p, grid[1], p).transpose(0, 3, 5, 1, 2, 4, 6)
        .reshape(n * grid[0] * grid[1], s.get(1) * s.get(2) * p * p);
    NDArray kernel = Layers.own(value(ps, patch[0], w, training).reshape(e, -1), w);
    NDArray t = patches.matMul(kernel.transpose()).add(value(ps, patch[1], w, training)).reshape(n, (long) grid[0] * grid[1], e);
    NDArray token = Layers.own(value(ps, cls, t, training).broadcast(new Shape(n, 1, e)), t);
    NDArray h = NDArrays.concat(new NDList(token, t), 1);
    NDArray positions = t.getManager().create(index);
    List<NDArray> out = new ArrayList<>();
    for (Parameter[] block : blocks) {
      h = block(ps, h, block, positions, training);
      out.add(h);
    }
    return out;
  }

  /** One BEiT block: x + gamma_1 attn(norm1 x), then + gamma_2 mlp(norm2 x). */
  private NDArray block(ParameterStore ps, NDArray x, Parameter[] p, NDArray positions, boolean training) {
    Shape s = x.getShape();
    long n = s.get(0);
    long t = s.get(1);
    int e = spec.dim();
    int heads = spec.heads();
    long d = e / heads;
    NDArray h = layerNorm(ps, x, p[2], p[3], training);
    NDArray qBias = value(ps, p[4], x, training);
    NDArray vBias = value(ps, p[5], x, training);
    NDArray bias = Layers.own(NDArrays.concat(new NDList(qBias, x.getManager().zeros(qBias.getShape(), qBias.getDataType()), vBias)), x);
    NDArray qkv = Linear.linear(h, value(ps, p[7], x, training), bias).singletonOrThrow().reshape(n, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
    NDArray q = Scalars.mul(qkv.get(0), 1.0 / Math.sqrt(d));
    NDArray k = qkv.get(1);
    NDArray v = qkv.get(2);
    // the relative-position bias: table rows picked by the index, (heads, T, T)
    NDArray table = value(ps, p[6], x, training);
    NDArray rel = Layers.own(table.get(new NDIndex("{}", positions)), x).reshape(t, t, heads).transpose(2, 0, 1);
    NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).add(rel.expandDims(0)).softmax(-1);
    NDArray a = attn.matMul(v).transpose(0, 2, 1, 3).reshape(n, t, e);
    a = Linear.linear(a, value(ps, p[8], x, training), value(ps, p[9], x, training)).singletonOrThrow();
    x = x.add(a.mul(value(ps, p[0], x, training)));
    h = layerNorm(ps, x, p[10], p[11], training);
    h = Activation.gelu(Linear.linear(h, value(ps, p[12], x, training), value(ps, p[13], x, training)).singletonOrThrow());
    h = Linear.linear(h, value(ps, p[14], x, training), value(ps, p[15], x, training)).singletonOrThrow();
    return x.add(h.mul(value(ps, p[1], x, training)));
  }

  private NDArray layerNorm(ParameterStore ps, NDArray x, Parameter gamma, Parameter beta, boolean training) {
    long e = x.getShape().get(x.getShape().dimension() - 1);
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(e), value(ps, gamma, x, training), value(ps, beta, x, training), LN_EPS).singletonOrThrow();
  }

  /** UperNet over the tapped blocks' patch tokens: the centre slices' logits (N, K, y, x). */
  private NDArray decode(ParameterStore ps, List<NDArray> tokens, boolean training) {
    long n = tokens.get(0).getShape().get(0);
    int e = spec.dim();
    NDArray[] maps = new NDArray[4];
    for (int i = 0; i < 4; i++) {
      maps[i] = tokens.get(spec.taps().get(i)).get(":, 1:, :").reshape(n, grid[0], grid[1], e).transpose(0, 3, 1, 2);
    }
    NDArray l0 = deconv(ps, maps[0], fpn1a, training);
    l0 = deconv(ps, Activation.gelu(fpn1bn.forward(ps, new NDList(l0), training).singletonOrThrow()), fpn1b, training);
    NDArray l1 = deconv(ps, maps[1], fpn2, training);
    NDArray l2 = maps[2];
    NDArray l3 = Pool.maxPool2d(maps[3], new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
    int[] top = {(int) l3.getShape().get(2), (int) l3.getShape().get(3)};
    NDList pyramid = new NDList(l3);
    for (int i = 0; i < psp.size(); i++) {
      int scale = InflatedVitZhang2022Spec.POOL_SCALES.get(i);
      NDArray pooled = resize(l3, Resampling.adaptiveAverage(top[0], scale), Resampling.adaptiveAverage(top[1], scale), scale, scale);
      NDArray y = cbr(ps, pooled, psp.get(i), training);
      pyramid.add(resize(y, Resampling.bilinear(scale, top[0]), Resampling.bilinear(scale, top[1]), top[0], top[1]));
    }
    NDArray[] lat = new NDArray[4];
    NDArray[] levels = {l0, l1, l2};
    for (int i = 0; i < 3; i++) {
      lat[i] = cbr(ps, levels[i], laterals.get(i), training);
    }
    lat[3] = cbr(ps, NDArrays.concat(pyramid, 1), bottleneck, training);
    for (int i = 3; i > 0; i--) {
      lat[i - 1] = lat[i - 1].add(bilinear(lat[i], lat[i - 1]));
    }
    NDList outs = new NDList();
    for (int i = 0; i < 3; i++) {
      NDArray o = cbr(ps, lat[i], fpnConvs.get(i), training);
      outs.add(i == 0 ? o : bilinear(o, outs.get(0)));
    }
    outs.add(bilinear(lat[3], outs.get(0)));
    NDArray fused = cbr(ps, NDArrays.concat(outs, 1), fpnBottleneck, training);
    if (training && spec.decoderDropout() > 0) {
      // Dropout2d: one draw per channel of each window's map
      NDArray keep = fused.getManager().ones(new Shape(n, e, 1, 1));
      fused = fused.mul(Dropout.dropout(keep, (float) spec.decoderDropout(), true).singletonOrThrow());
    }
    NDArray logits = Convolutions.conv(fused, value(ps, convSeg[0], fused, training), value(ps, convSeg[1], fused, training), new Shape(1, 1),
        new Shape(0, 0), new Shape(1, 1), training);
    long h = logits.getShape().get(2);
    long w = logits.getShape().get(3);
    return resize(logits, Resampling.bilinear((int) h, dhw[1]), Resampling.bilinear((int) w, dhw[2]), dhw[1], dhw[2]);
  }

  /** The transposed 2x2 convolution of stride 2 as one product and a depth-to-space: (N, C, H, W) to (N, O, 2H, 2W). */
  private NDArray deconv(ParameterStore ps, NDArray x, Parameter[] p, boolean training) {
    Shape s = x.getShape();
    NDArray weight = value(ps, p[0], x, training); // (C, O, 2, 2)
    long o = weight.getShape().get(1);
    NDArray y = x.transpose(0, 2, 3, 1).reshape(-1, s.get(1)).matMul(Layers.own(weight.reshape(s.get(1), o * 4), x));
    y = y.reshape(s.get(0), s.get(2), s.get(3), o, 2, 2).transpose(0, 3, 1, 4, 2, 5).reshape(s.get(0), o, 2 * s.get(2), 2 * s.get(3));
    return y.add(Layers.own(value(ps, p[1], x, training).reshape(1, o, 1, 1), x));
  }

  private NDArray cbr(ParameterStore ps, NDArray x, Cbr m, boolean training) {
    NDArray w = value(ps, m.weight(), x, training);
    long k = w.getShape().get(2);
    NDArray y = Convolutions.conv(x, w, null, new Shape(1, 1), new Shape(k / 2, k / 2), new Shape(1, 1), training);
    return Activation.relu(m.bn().forward(ps, new NDList(y), training).singletonOrThrow());
  }

  /** Bilinear resize of x to like's map size (align_corners false). */
  private static NDArray bilinear(NDArray x, NDArray like) {
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    int th = (int) like.getShape().get(2);
    int tw = (int) like.getShape().get(3);
    return resize(x, Resampling.bilinear(h, th), Resampling.bilinear(w, tw), th, tw);
  }

  /** M_h x M_w^T over the last two axes of (N, C, h, w), the matrices row-major (out x in). */
  private static NDArray resize(NDArray x, float[] mh, float[] mw, int outH, int outW) {
    Shape s = x.getShape();
    NDManager m = x.getManager();
    NDArray rows = m.create(mh, new Shape(outH, s.get(2)));
    NDArray cols = m.create(mw, new Shape(outW, s.get(3)));
    NDArray y = x.matMul(cols.transpose()); // (N, C, h, outW)
    return rows.matMul(y); // (outH, h) x (N, C, h, outW)
  }

  private static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
    return ps.getValue(p, like.getDevice(), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return head.type() == TaskType.SEGMENT
        ? new Shape[] {new Shape(in.get(0), head.outputs(), in.get(2), in.get(3), in.get(4))}
        : new Shape[] {new Shape(in.get(0), head.outputs())};
  }
}
