package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.InflatedVitZhang2022Spec;
import org.brainbench.api.model.Resampling;
import org.brainbench.api.model.TaskHead;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TransSeg ({@link InflatedVitZhang2022Spec}) on SameDiff, the same function, names and
 * initialisation as the DJL backend's {@code TransSegBlock}: every axial slice's window through the
 * BEiT encoder; the UperNet decoder's centre-slice logits stacked to the volume, or the mean last
 * block token, a LayerNorm and a linear head.
 */
public final class TransSegGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<InflatedVitZhang2022Spec> {
    @Override
    public Class<InflatedVitZhang2022Spec> specType() {
      return InflatedVitZhang2022Spec.class;
    }

    @Override
    public ModelGraph build(InflatedVitZhang2022Spec spec, TaskHead head) {
      return new TransSegGraph(spec, head);
    }
  }

  private final InflatedVitZhang2022Spec spec;
  private final TaskHead head;
  private final int[] dhw;
  private final int[] grid;

  TransSegGraph(InflatedVitZhang2022Spec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
    this.dhw = head.inputShape();
    this.grid = spec.grid(dhw);
  }

  @Override
  public SDVariable forward(Layers l, SDVariable input) {
    List<SDVariable> tokens = encode(l, windows(l, input));
    SDVariable last = tokens.get(tokens.size() - 1);
    long e = spec.dim();
    if (head.type() != TaskType.SEGMENT) {
      long perVolume = (long) dhw[0] * grid[0] * grid[1];
      SDVariable patches = last.get(SDIndex.all(), SDIndex.interval(1L, (long) grid[0] * grid[1] + 1), SDIndex.all());
      SDVariable mean = patches.reshape(-1, perVolume, e).mean(1).reshape(-1, 1, e);
      SDVariable normed = TransformerLayers.layerNorm(l, "head_norm", mean, e).reshape(-1, e);
      l.embedding(normed);
      return l.linear("head", normed, e, head.outputs(), Init.TRUNC_NORMAL);
    }
    SDVariable logits = decode(l, tokens); // (B z, K, y, x)
    return logits.reshape(-1, dhw[0], head.outputs(), dhw[1], dhw[2]).permute(0, 2, 1, 3, 4);
  }

  /** Every axial slice's window (edge slices repeated): (B, C, z, y, x) to (B z, C, window, y, x). */
  private SDVariable windows(Layers l, SDVariable x) {
    int half = spec.window() / 2;
    long z = dhw[0];
    List<SDVariable> parts = new ArrayList<>();
    for (int i = 0; i < half; i++) {
      parts.add(x.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(0L, 1L)));
    }
    parts.add(x);
    for (int i = 0; i < half; i++) {
      parts.add(x.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(z - 1, z)));
    }
    SDVariable padded = l.sd.concat(2, parts.toArray(new SDVariable[0]));
    SDVariable[] shifted = new SDVariable[spec.window()];
    for (int o = 0; o < spec.window(); o++) {
      shifted[o] = padded.get(SDIndex.all(), SDIndex.all(), SDIndex.interval((long) o, o + z));
    }
    SDVariable w = l.sd.stack(3, shifted); // (B, C, z, window, y, x)
    return w.permute(0, 2, 1, 3, 4, 5).reshape(-1, head.inputChannels(), spec.window(), dhw[1], dhw[2]);
  }

  /** The encoder: every block's output (N, 1 + T, E), [CLS] first. */
  private List<SDVariable> encode(Layers l, SDVariable w) {
    long c = head.inputChannels();
    int p = spec.patch();
    long e = spec.dim();
    long t = (long) grid[0] * grid[1];
    long fan = c * spec.window() * p * p;
    // the patch convolution (kernel = stride = window x p x p) as one product: tokens h-major, w fastest
    SDVariable patches = w.reshape(-1, c, spec.window(), grid[0], p, grid[1], p).permute(0, 3, 5, 1, 2, 4, 6).reshape(-1, fan);
    SDVariable kernel = l.parameter("encoder.patch_embed.proj.weight", Init.TORCH_DEFAULT, fan, e, c, spec.window(), p, p).reshape(e, fan);
    SDVariable bias = l.parameter("encoder.patch_embed.proj.bias", Init.TORCH_DEFAULT, fan, e);
    SDVariable tok = l.sd.mmul(patches, kernel, false, true, false).add(bias).reshape(-1, t, e);
    SDVariable cls = l.parameter("encoder.cls_token", Init.TRUNC_NORMAL, 0, 1, 1, e);
    SDVariable h = l.sd.concat(1, tok.get(SDIndex.all(), SDIndex.interval(0L, 1L), SDIndex.all()).mul(0).add(cls), tok);
    // the index as a one-hot matrix ((T+1)^2, R): SameDiff 1.0.0-M2.1 cannot differentiate several gathers in one graph
    long[] rel = spec.relativePositionIndex(dhw);
    long rows = spec.tableRows(dhw);
    float[] oneHot = new float[(int) (rel.length * rows)];
    for (int i = 0; i < rel.length; i++) {
      oneHot[(int) (i * rows + rel[i])] = 1f;
    }
    SDVariable positions = l.sd.constant(Nd4j.create(oneHot, new long[] {rel.length, rows}, 'c'));
    List<SDVariable> out = new ArrayList<>();
    for (int i = 0; i < spec.depth(); i++) {
      h = block(l, "encoder.blocks." + i, i, h, t + 1, positions);
      out.add(h);
    }
    return out;
  }

  /** One BEiT block: x + gamma_1 attn(norm1 x), then + gamma_2 mlp(norm2 x). */
  private SDVariable block(Layers l, String prefix, int layer, SDVariable x, long tokens, SDVariable positions) {
    long e = spec.dim();
    int heads = spec.heads();
    long d = e / heads;
    long hidden = spec.hidden();
    SDVariable gamma1 = l.parameter(prefix + ".gamma_1", Init.ONES, 0, e);
    SDVariable gamma2 = l.parameter(prefix + ".gamma_2", Init.ONES, 0, e);
    SDVariable h = TransformerLayers.layerNorm(l, prefix + ".norm1", x, e);
    SDVariable qBias = l.parameter(prefix + ".attn.q_bias", Init.ZEROS, 0, e);
    SDVariable vBias = l.parameter(prefix + ".attn.v_bias", Init.ZEROS, 0, e);
    SDVariable table = l.parameter(prefix + ".attn.relative_position_bias_table", Init.ZEROS, 0, spec.tableRows(dhw), heads);
    SDVariable w = l.parameter(prefix + ".attn.qkv.weight", Init.TRUNC_NORMAL, e, 3 * e, e);
    SDVariable flat = h.reshape(-1, e);
    SDVariable[] qkv = new SDVariable[3];
    for (int i = 0; i < 3; i++) {
      SDVariable wi = w.get(SDIndex.interval((long) i * e, (long) (i + 1) * e));
      SDVariable y = l.sd.mmul(flat, wi, false, true, false);
      y = i == 0 ? y.add(qBias) : i == 2 ? y.add(vBias) : y; // their qkv bias is (q_bias, 0, v_bias)
      qkv[i] = y.reshape(-1, tokens, heads, d).permute(0, 2, 1, 3); // (N, heads, T, d)
    }
    SDVariable rel = l.sd.mmul(positions, table).reshape(tokens, tokens, heads).permute(2, 0, 1).reshape(1, heads, tokens, tokens);
    SDVariable scores = l.sd.mmul(qkv[0].mul(1 / Math.sqrt(d)), qkv[1], false, true, false).add(rel);
    SDVariable attn = TransformerLayers.softmaxLastAxis(l, scores, 3);
    SDVariable a = l.sd.mmul(attn, qkv[2]).permute(0, 2, 1, 3).reshape(-1, tokens, e);
    // BEiT's fix_init_weight: proj and fc2 start at sd 0.02 / sqrt(2 (layer + 1))
    a = TransformerLayers.linear(l, prefix + ".attn.proj", a, tokens, e, e, Init.TRUNC_NORMAL_RESCALED, layer + 1);
    x = x.add(a.mul(gamma1));
    h = TransformerLayers.layerNorm(l, prefix + ".norm2", x, e);
    h = TransformerLayers.gelu(l, TransformerLayers.linear(l, prefix + ".mlp.fc1", h, tokens, e, hidden, Init.TRUNC_NORMAL));
    h = TransformerLayers.linear(l, prefix + ".mlp.fc2", h, tokens, hidden, e, Init.TRUNC_NORMAL_RESCALED, layer + 1);
    return x.add(h.mul(gamma2));
  }

  /** UperNet over the tapped blocks' patch tokens: the centre slices' logits (N, K, y, x). */
  private SDVariable decode(Layers l, List<SDVariable> tokens) {
    long e = spec.dim();
    long t = (long) grid[0] * grid[1];
    long z = dhw[0];
    int[][] size = spec.levels(dhw);
    SDVariable[] maps = new SDVariable[4];
    for (int i = 0; i < 4; i++) {
      maps[i] = tokens.get(spec.taps().get(i)).get(SDIndex.all(), SDIndex.interval(1L, t + 1), SDIndex.all()).reshape(-1, grid[0], grid[1], e)
          .permute(0, 3, 1, 2);
    }
    SDVariable l0 = deconv(l, "decoder.fpn1.0", maps[0], grid[0], grid[1]);
    l0 = TransformerLayers.gelu(l, l.batchNorm("decoder.fpn1.1", l0, e, 4, z * size[1][0] * size[1][1]));
    l0 = deconv(l, "decoder.fpn1.3", l0, size[1][0], size[1][1]);
    SDVariable l1 = deconv(l, "decoder.fpn2.0", maps[1], grid[0], grid[1]);
    SDVariable l2 = maps[2];
    SDVariable l3 = l.maxPool2d(maps[3], 2, 2, 0);
    int[] top = size[3];
    List<SDVariable> pyramid = new ArrayList<>(List.of(l3));
    for (int i = 0; i < InflatedVitZhang2022Spec.POOL_SCALES.size(); i++) {
      int scale = InflatedVitZhang2022Spec.POOL_SCALES.get(i);
      SDVariable pooled = resize(l, l3, e, top, new int[] {scale, scale}, Resampling.adaptiveAverage(top[0], scale), Resampling.adaptiveAverage(top[1], scale));
      SDVariable y = cbr(l, "decoder.psp_modules." + i + ".1", pooled, e, e, 1, scale, scale);
      pyramid.add(resize(l, y, e, new int[] {scale, scale}, top, Resampling.bilinear(scale, top[0]), Resampling.bilinear(scale, top[1])));
    }
    SDVariable[] levels = {l0, l1, l2};
    SDVariable[] lat = new SDVariable[4];
    for (int i = 0; i < 3; i++) {
      lat[i] = cbr(l, "decoder.lateral_convs." + i, levels[i], e, e, 1, size[i][0], size[i][1]);
    }
    int scales = InflatedVitZhang2022Spec.POOL_SCALES.size();
    lat[3] = cbr(l, "decoder.bottleneck", l.sd.concat(1, pyramid.toArray(new SDVariable[0])), e * (1 + scales), e, 3, top[0], top[1]);
    for (int i = 3; i > 0; i--) {
      lat[i - 1] = lat[i - 1].add(bilinear(l, lat[i], e, size[i], size[i - 1]));
    }
    SDVariable[] outs = new SDVariable[4];
    for (int i = 0; i < 3; i++) {
      SDVariable o = cbr(l, "decoder.fpn_convs." + i, lat[i], e, e, 3, size[i][0], size[i][1]);
      outs[i] = i == 0 ? o : bilinear(l, o, e, size[i], size[0]);
    }
    outs[3] = bilinear(l, lat[3], e, size[3], size[0]);
    SDVariable fused = cbr(l, "decoder.fpn_bottleneck", l.sd.concat(1, outs), 4 * e, e, 3, size[0][0], size[0][1]);
    fused = l.withRowsPerSample(z).dropout(fused, spec.decoderDropout(), e, 1, 1); // Dropout2d: one draw per channel of each window's map
    SDVariable w = l.parameter("decoder.conv_seg.weight", Init.NORMAL_SMALL, 0, head.outputs(), e, 1, 1).reshape(head.outputs(), e);
    SDVariable b = l.parameter("decoder.conv_seg.bias", Init.ZEROS, 0, head.outputs());
    SDVariable logits = l.sd.mmul(fused.permute(0, 2, 3, 1).reshape(-1, e), w, false, true, false).add(b)
        .reshape(-1, size[0][0], size[0][1], head.outputs()).permute(0, 3, 1, 2);
    return bilinear(l, logits, head.outputs(), size[0], new int[] {dhw[1], dhw[2]});
  }

  /** ConvTranspose2d(e, e, 2, stride 2) as one product and a depth-to-space; weight (in, out, 2, 2), PyTorch's default init (fan in: out x 4). */
  private SDVariable deconv(Layers l, String prefix, SDVariable x, long h, long w) {
    long e = spec.dim();
    SDVariable weight = l.parameter(prefix + ".weight", Init.TORCH_DEFAULT, 4 * e, e, e, 2, 2);
    SDVariable bias = l.parameter(prefix + ".bias", Init.TORCH_DEFAULT, 4 * e, e);
    SDVariable y = l.sd.mmul(x.permute(0, 2, 3, 1).reshape(-1, e), weight.reshape(e, 4 * e));
    y = y.reshape(-1, h, w, e, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(-1, e, 2 * h, 2 * w);
    return y.add(bias.reshape(1, e, 1, 1));
  }

  /** mmcv's ConvModule: convolution without bias (kaiming normal, fan out), batch norm, ReLU, on an (h, w) map. */
  private SDVariable cbr(Layers l, String prefix, SDVariable x, long in, long out, int k, long h, long w) {
    SDVariable y = l.conv2d(prefix + ".conv", x, in, out, k, 1, k / 2, false, out * k * k);
    return l.relu(l.batchNorm(prefix + ".bn", y, out, 4, dhw[0] * h * w));
  }

  private static SDVariable bilinear(Layers l, SDVariable x, long channels, int[] from, int[] to) {
    return resize(l, x, channels, from, to, Resampling.bilinear(from[0], to[0]), Resampling.bilinear(from[1], to[1]));
  }

  /** M_h x M_w^T over the last two axes of (N, C, h, w); the matrices row-major (out x in). */
  private static SDVariable resize(Layers l, SDVariable x, long channels, int[] from, int[] to, float[] mh, float[] mw) {
    SDVariable rows = l.sd.constant(Nd4j.create(mh, new long[] {to[0], from[0]}, 'c'));
    SDVariable cols = l.sd.constant(Nd4j.create(mw, new long[] {to[1], from[1]}, 'c'));
    SDVariable c = x.reshape(-1, from[1]); // (N C h, w)
    SDVariable y = l.sd.mmul(c, cols, false, true, false).reshape(-1, from[0], to[1]); // (N C, h, W)
    y = y.permute(0, 2, 1).reshape(-1, from[0]); // (N C W, h)
    y = l.sd.mmul(y, rows, false, true, false); // (N C W, H)
    return y.reshape(-1, channels, to[1], to[0]).permute(0, 1, 3, 2);
  }
}
