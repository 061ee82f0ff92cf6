package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.MedicalTransformerSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link MedicalTransformerSpec} on SameDiff, as the DJL backend's {@code MedicalTransformerBlock}:
 * a shared 2D slice encoder over the slices of every view, view and slice-position embeddings, a
 * [CLS] token, Transformer blocks and a final LayerNorm; heads: linear on [CLS] (classify, regress),
 * per-view 2D decoders fused by averaging the views' probabilities (segment), or masked encoding
 * vector prediction against a momentum copy of the encoder (pretrain).
 */
public final class MedicalTransformerGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<MedicalTransformerSpec> {
    @Override
    public Class<MedicalTransformerSpec> specType() {
      return MedicalTransformerSpec.class;
    }

    @Override
    public ModelGraph build(MedicalTransformerSpec spec, TaskHead head) {
      return new MedicalTransformerGraph(spec, head);
    }
  }

  private static final String TARGET = "target_encoder";

  private final MedicalTransformerSpec spec;
  private final TaskHead head;
  private final List<View> views;
  private final long embed;

  MedicalTransformerGraph(MedicalTransformerSpec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
    this.views = spec.views();
    this.embed = spec.embedDim();
  }

  /** One view's slice embeddings (B, S, E) and, for the cnn encoder, its level features (B * S, C, h, w). */
  private record Encoded(SDVariable embeddings, List<SDVariable> features) {}

  private Encoded encode(Layers l, String prefix, SDVariable x, View v) {
    int[] dhw = head.inputShape();
    int[] hw = v.sliceShape(dhw);
    long slices = v.slices(dhw);
    SDVariable s = SliceEncoders.toSlices(x, v, head.inputChannels(), dhw);
    SDVariable last;
    List<SDVariable> features = List.of();
    long width;
    if (spec.encoder() == org.brainbench.api.model.EncoderKind.RESNET18) {
      int w = spec.encoderChannels().get(0);
      last = SliceEncoders.resnet18(l, prefix, s, head.inputChannels(), w, hw, slices);
      width = 8L * w;
    } else {
      List<SDVariable> f = SliceEncoders.convEncoder(l, prefix, s, head.inputChannels(), spec.encoderChannels(), hw, false, false, slices);
      last = f.get(f.size() - 1);
      features = f.subList(0, f.size() - 1);
      width = spec.encoderChannels().get(spec.encoderChannels().size() - 1);
    }
    SDVariable e = l.linear(prefix + ".proj", last.mean(2, 3), width, embed, Init.HE);
    return new Encoded(e.reshape(-1, slices, embed), features);
  }

  private long tokens() {
    long t = 0;
    for (View v : views) {
      t += v.slices(head.inputShape());
    }
    return t;
  }

  @Override
  public long maskedTokens() {
    return tokens();
  }

  /** Tokens (B, T, E) through position embeddings, [CLS], the Transformer and the final norm: (B, 1 + T, E). */
  private SDVariable transformer(Layers l, SDVariable tokens) {
    SDVariable viewTable = l.parameter("view_embed", Init.TRUNC_NORMAL, 0, views.size(), embed);
    List<SDVariable> parts = new ArrayList<>();
    for (int i = 0; i < views.size(); i++) {
      View v = views.get(i);
      SDVariable pos = l.parameter("pos_embed." + v.id(), Init.TRUNC_NORMAL, 0, v.slices(head.inputShape()), embed);
      // one view: its row is the whole table (slicing a dimension of size 1 whole breaks SameDiff's backward in M2.1)
      parts.add(pos.add(views.size() == 1 ? viewTable : viewTable.get(SDIndex.interval((long) i, (long) i + 1))));
    }
    long t = tokens();
    SDVariable positions = l.sd.concat(0, parts.toArray(SDVariable[]::new)).reshape(1, t, embed);
    tokens = tokens.add(positions);
    SDVariable cls = l.parameter("cls_token", Init.TRUNC_NORMAL, 0, 1, 1, embed);
    // [CLS] repeated over the batch: zeros of the tokens' first slice plus the token
    SDVariable first = tokens.get(SDIndex.all(), SDIndex.interval(0L, 1L), SDIndex.all());
    SDVariable seq = l.sd.concat(1, first.mul(0).add(cls), tokens);
    for (int i = 0; i < spec.depth(); i++) {
      seq = TransformerLayers.block(l, "blocks." + i, seq, t + 1, embed, spec.hidden(), spec.heads(), spec.dropout());
    }
    return TransformerLayers.layerNorm(l, "norm", seq, embed);
  }

  @Override
  public SDVariable forward(Layers l, SDVariable x) {
    List<Encoded> encoded = new ArrayList<>();
    for (View v : views) {
      encoded.add(encode(l, "encoder", x, v));
    }
    SDVariable tokens = l.sd.concat(1, encoded.stream().map(Encoded::embeddings).toArray(SDVariable[]::new));
    SDVariable seq = transformer(l, tokens);
    if (head.type() == TaskType.SEGMENT) {
      return segment(l, seq, encoded);
    }
    SDVariable cls = seq.get(SDIndex.all(), SDIndex.point(0), SDIndex.all()).reshape(-1, embed);
    l.embedding(cls);
    return l.linear("head", cls, embed, head.outputs(), Init.TRUNC_NORMAL);
  }

  /** Per view: tokens to the last level, a 2D decoder with skips, class probabilities; the views' mean, as log-probabilities. */
  private SDVariable segment(Layers l, SDVariable seq, List<Encoded> encoded) {
    List<Integer> c = spec.encoderChannels();
    int[] dhw = head.inputShape();
    SDVariable probabilities = null;
    long offset = 1;
    for (int i = 0; i < views.size(); i++) {
      View v = views.get(i);
      int[] hw = v.sliceShape(dhw);
      long slices = v.slices(dhw);
      List<SDVariable> f = encoded.get(i).features();
      SDVariable tokens = seq.get(SDIndex.all(), SDIndex.interval(offset, offset + slices), SDIndex.all()).reshape(-1, embed);
      offset += slices;
      long last = c.get(c.size() - 1);
      SDVariable t = l.linear("decoder.token", tokens, embed, last, Init.HE).reshape(-1, last, 1, 1);
      SDVariable y = f.get(f.size() - 1).add(t);
      long in = last;
      for (int level = c.size() - 2; level >= 0; level--) {
        long size = (long) (hw[0] >> level) * (hw[1] >> level);
        y = l.sd.concat(1, l.sd.cnn().upsampling2d(y, 2, 2, true), f.get(level));
        y = l.conv2d("decoder.blocks." + level + ".conv", y, in + c.get(level), c.get(level), 3, 1, 1, false);
        y = l.relu(l.batchNorm("decoder.blocks." + level + ".bn", y, c.get(level), 4, slices * size));
        in = c.get(level);
      }
      SDVariable logits = l.conv2d("decoder.head", y, in, head.outputs(), 1, 1, 0, true);
      SDVariable p = TransformerLayers.softmaxLastAxis(l, SliceEncoders.fromSlices(logits, v, head.outputs(), dhw), 1);
      probabilities = probabilities == null ? p : probabilities.add(p);
    }
    return l.sd.math().log(probabilities.div(views.size()).add(1e-7));
  }

  @Override
  public Pretraining pretrain(Layers l, SDVariable x, SDVariable mask) {
    List<SDVariable> online = new ArrayList<>();
    for (View v : views) {
      online.add(encode(l, "encoder", x, v).embeddings());
    }
    SDVariable tokens = l.sd.concat(1, online.toArray(SDVariable[]::new)); // (B, T, E)
    SDVariable m = mask.reshape(-1, tokens(), 1);
    SDVariable maskToken = l.parameter("mask_token", Init.TRUNC_NORMAL, 0, 1, 1, embed);
    SDVariable hidden = tokens.mul(m.rsub(1)).add(m.mul(maskToken));
    SDVariable seq = transformer(l, hidden);
    SDVariable body = seq.get(SDIndex.all(), SDIndex.interval(1L, tokens() + 1), SDIndex.all());
    SDVariable prediction = TransformerLayers.linear(l, "pred_head", body, tokens(), embed, embed, Init.TRUNC_NORMAL);
    SDVariable flat = tokens.reshape(-1, embed);
    SDVariable centredTokens = flat.sub(flat.mean(true, 0));
    SDVariable spread = l.sd.math().sqrt(centredTokens.mul(centredTokens).mean(0)).mean();
    SDVariable target;
    if (spec.collapseGuard()) {
      // the momentum encoder in inference mode (its weights are buffers): no gradient reaches it
      Layers momentum = new Layers(l.graph, false, true);
      List<SDVariable> targets = new ArrayList<>();
      for (View v : views) {
        targets.add(encode(momentum, TARGET, x, v).embeddings());
      }
      SDVariable t = l.sd.concat(1, targets.toArray(SDVariable[]::new));
      SDVariable centred = t.sub(t.mean(true, 2));
      target = centred.mul(centred.mul(centred).mean(true, 2).add(1e-6).pow(-0.5));
    } else {
      target = tokens; // the collapse-prone ablation: gradient flows into both sides
    }
    SDVariable diff = prediction.sub(target);
    SDVariable perToken = diff.mul(diff).mean(2);
    SDVariable masked = mask.reshape(-1, tokens());
    SDVariable loss = perToken.mul(masked).sum().div(l.sd.math().max(masked.sum(), l.sd.constant(1f)));
    return new Pretraining(loss, prediction, spread);
  }

  @Override
  public Map<String, String> momentumPairs(NamedGraph graph) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String name : graph.buffers().keySet()) {
      if (name.startsWith(TARGET + ".")) {
        pairs.put(name, "encoder" + name.substring(TARGET.length()));
      }
    }
    return pairs;
  }

  @Override
  public double maskRatio() {
    return spec.maskRatio();
  }

  @Override
  public double momentum() {
    return spec.emaMomentum();
  }
}
