package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link InflatedVitSpec} on SameDiff, as the DJL backend builds it: a 3D patch embedding (strided
 * convolution), [CLS] and position embeddings, Transformer blocks and a final norm; a linear head
 * on the mean of the patch tokens (classify, regress) or the UNETR-style decoder (segment). For
 * pretrain, the 2D ViT on axial slices with SimMIM: masked patch tokens, pixels predicted by
 * {@code decoder_pred}.
 */
public final class InflatedVitGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<InflatedVitSpec> {
    @Override
    public Class<InflatedVitSpec> specType() {
      return InflatedVitSpec.class;
    }

    @Override
    public ModelGraph build(InflatedVitSpec spec, TaskHead head) {
      return new InflatedVitGraph(spec, head);
    }
  }

  private final InflatedVitSpec spec;
  private final TaskHead head;
  private final long dim;

  InflatedVitGraph(InflatedVitSpec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
    this.dim = spec.dim();
  }

  /** [CLS] + position embeddings + blocks: every block's output (B, 1 + T, E), then the normalised last. */
  private List<SDVariable> trunk(Layers l, SDVariable tokens, long t) {
    SDVariable cls = l.parameter("cls_token", Init.TRUNC_NORMAL, 0, 1, 1, dim);
    SDVariable first = tokens.get(SDIndex.all(), SDIndex.interval(0L, 1L), SDIndex.all());
    SDVariable x = l.sd.concat(1, first.mul(0).add(cls), tokens).add(l.parameter("pos_embed", Init.TRUNC_NORMAL, 0, 1, 1 + t, dim));
    List<SDVariable> out = new ArrayList<>();
    for (int i = 0; i < spec.depth(); i++) {
      x = TransformerLayers.block(l, "blocks." + i, x, t + 1, dim, spec.hidden(), spec.heads(), spec.dropout());
      out.add(x);
    }
    out.add(TransformerLayers.layerNorm(l, "norm", x, dim));
    return out;
  }

  /** Patch tokens (B, T, E) from a patch embedding's output (B, E, ...). */
  private SDVariable tokens(SDVariable embedded, long t) {
    return embedded.reshape(-1, dim, t).permute(0, 2, 1);
  }

  private SDVariable patchTokens(SDVariable hidden, long t) {
    return hidden.get(SDIndex.all(), SDIndex.interval(1L, t + 1), SDIndex.all());
  }

  @Override
  public SDVariable forward(Layers l, SDVariable x) {
    int[] s = head.inputShape();
    int p = spec.patch();
    long t = spec.tokens(s);
    SDVariable embedded = l.conv3d("patch_embed.proj", x, head.inputChannels(), dim, p, p, 0, true);
    List<SDVariable> hidden = trunk(l, tokens(embedded, t), t);
    SDVariable last = hidden.get(hidden.size() - 1);
    if (head.type() != TaskType.SEGMENT) {
      // mean of the patch tokens, not [CLS] (see InflatedVitSpec)
      SDVariable pooled = patchTokens(last, t).mean(1);
      l.embedding(pooled);
      return l.linear("head", pooled, dim, head.outputs(), Init.TRUNC_NORMAL);
    }
    int n = spec.levels();
    long f = spec.decoderChannels();
    SDVariable y = grid(last, t);
    long channels = dim;
    for (int j = n - 1; j >= 0; j--) {
      y = convBnRelu(l, "decoder.ups." + j, up(l, y), channels, f << j, j);
      SDVariable skip;
      if (j == 0) {
        skip = convBnRelu(l, "decoder.enc0", x, head.inputChannels(), f, 0);
      } else {
        skip = grid(hidden.get(spec.tap(j) - 1), t);
        long in = dim;
        for (int k = 0; k < n - j; k++) {
          skip = convBnRelu(l, "decoder.skips." + j + "." + k, up(l, skip), in, f << j, n - k - 1);
          in = f << j;
        }
      }
      y = convBnRelu(l, "decoder.fuse." + j, l.sd.concat(1, y, skip), 2 * (f << j), f << j, j);
      channels = f << j;
    }
    return l.conv3d("decoder.head", y, channels, head.outputs(), 1, 1, 0, true);
  }

  /** Patch tokens of a hidden state (B, 1 + T, E) as a grid (B, E, d, h, w). */
  private SDVariable grid(SDVariable hidden, long t) {
    int[] s = head.inputShape();
    int p = spec.patch();
    return patchTokens(hidden, t).permute(0, 2, 1).reshape(-1, dim, s[0] / p, s[1] / p, s[2] / p);
  }

  private static SDVariable up(Layers l, SDVariable x) {
    return l.sd.cnn().upsampling3d(x, true, 2, 2, 2);
  }

  /** 3x3x3 convolution, batch norm, ReLU at 1/2^level resolution. */
  private SDVariable convBnRelu(Layers l, String prefix, SDVariable x, long in, long out, int level) {
    int[] s = head.inputShape();
    long voxels = (long) (s[0] >> level) * (s[1] >> level) * (s[2] >> level);
    x = l.conv3d(prefix + ".conv", x, in, out, 3, 1, 1, false);
    return l.relu(l.batchNorm(prefix + ".bn", x, out, 5, voxels));
  }

  private long gridTokens() {
    int[] hw = View.AXIAL.sliceShape(head.inputShape());
    return (long) (hw[0] / spec.patch()) * (hw[1] / spec.patch());
  }

  @Override
  public long maskedTokens() {
    return View.AXIAL.slices(head.inputShape()) * gridTokens();
  }

  @Override
  public double maskRatio() {
    return spec.maskRatio();
  }

  /** SimMIM on axial slices: predict the pixels of masked patches; loss over masked patches only. */
  @Override
  public Pretraining pretrain(Layers l, SDVariable x, SDVariable mask) {
    int[] dhw = head.inputShape();
    int[] hw = View.AXIAL.sliceShape(dhw);
    int p = spec.patch();
    long c = head.inputChannels();
    long g = gridTokens();
    SDVariable slices = SliceEncoders.toSlices(x, View.AXIAL, c, dhw); // (N, C, H, W)
    SDVariable tokens = tokens(l.conv2d("patch_embed.proj", slices, c, dim, p, p, 0, true), g);
    SDVariable flat = tokens.reshape(-1, dim);
    SDVariable centred = flat.sub(flat.mean(true, 0));
    SDVariable spread = l.sd.math().sqrt(centred.mul(centred).mean(0)).mean();
    SDVariable m = mask.reshape(-1, g, 1);
    SDVariable maskToken = l.parameter("mask_token", Init.TRUNC_NORMAL, 0, 1, 1, dim);
    tokens = tokens.mul(m.rsub(1)).add(m.mul(maskToken));
    // the 2D ViT runs on the axial slices: every slice is a row of the batch
    List<SDVariable> hidden = trunk(l.withRowsPerSample(dhw[0]), tokens, g);
    SDVariable body = patchTokens(hidden.get(hidden.size() - 1), g);
    long pixels = (long) p * p * c;
    SDVariable prediction = TransformerLayers.linear(l, "decoder_pred", body, g, dim, pixels, Init.TRUNC_NORMAL);
    SDVariable target = slices.reshape(-1, c, hw[0] / p, p, hw[1] / p, p).permute(0, 2, 4, 3, 5, 1).reshape(-1, g, pixels);
    SDVariable diff = prediction.sub(target);
    SDVariable perToken = diff.mul(diff).mean(2);
    SDVariable masked = mask.reshape(-1, g);
    SDVariable loss = perToken.mul(masked).sum().div(l.sd.math().max(masked.sum(), l.sd.constant(1f)));
    return new Pretraining(loss, prediction, spread);
  }
}
