package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.model.MedicalTransformerJun2021Spec;
import org.brainbench.api.model.Objective;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.preprocess.BezierIntensity;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Medical Transformer as its authors released it ({@link MedicalTransformerJun2021Spec}) as a
 * SameDiff graph, line for line as {@code MedicalTransformerJun2021Block} on DJL and with the
 * authors' parameter names. Masked encoding's mask is batch x slices-of-all-views, the same for
 * every scan; the triplet objective's positives (one per view) and negative (the batch rolled by one)
 * are computed on the host and fed as placeholders.
 */
public final class MedicalTransformerJun2021Graph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<MedicalTransformerJun2021Spec> {
    @Override
    public Class<MedicalTransformerJun2021Spec> specType() {
      return MedicalTransformerJun2021Spec.class;
    }

    @Override
    public ModelGraph build(MedicalTransformerJun2021Spec spec, TaskHead head) {
      return new MedicalTransformerJun2021Graph(spec, head);
    }
  }

  private static final String NEGATIVE = "negative";

  private final MedicalTransformerJun2021Spec spec;
  private final TaskHead head;
  private final List<View> views;
  private final Objective objective;
  private final long d;

  MedicalTransformerJun2021Graph(MedicalTransformerJun2021Spec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
    this.views = spec.views();
    this.objective = head.type() == TaskType.PRETRAIN ? head.objectiveOf(spec) : null;
    this.d = spec.embedDim();
  }

  private int[] layout(View v) {
    return MedicalTransformerJun2021Spec.layout(v, head.inputShape());
  }

  /** The view's tensor (B, C, plane height, plane width, slices) from (B, C, D, H, W) = (z, y, x), in the authors' layout. */
  private static SDVariable viewTensor(SDVariable x, View v) {
    return switch (v) {
      case AXIAL -> x.permute(0, 1, 4, 3, 2);
      case SAGITTAL -> x;
      case CORONAL -> x.permute(0, 1, 4, 2, 3);
    };
  }

  /** Per sample and channel over every other axis: (x - mean) / sqrt(var + 1e-5), biased, no parameters. */
  private static SDVariable instanceNorm(SDVariable x) {
    SDVariable centred = x.sub(x.mean(true, 2, 3, 4));
    return centred.mul(centred.mul(centred).mean(true, 2, 3, 4).add(1e-5).pow(-0.5));
  }

  /** The authors' ResNet-18 slice encoder on (B, C, H, W, S): (B, d, S). */
  private SDVariable encode(Layers l, String prefix, SDVariable x, int[] plane) {
    int c = spec.width();
    SDVariable h = l.relu(instanceNorm(l.sliceConv(prefix + ".conv1", x, head.inputChannels(), c, 7, 2, 3)));
    h = l.slicePool(h, true, 3, 2, 1);
    long in = c;
    for (int stage = 0; stage < 4; stage++) {
      long out = (long) c << stage;
      for (int b = 0; b < 2; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        String name = prefix + ".layer" + (stage + 1) + "." + b;
        SDVariable y = l.relu(instanceNorm(l.sliceConv(name + ".conv1", h, in, out, 3, stride, 1)));
        y = instanceNorm(l.sliceConv(name + ".conv2", y, out, out, 3, 1, 1));
        SDVariable shortcut = stride != 1 || in != out ? instanceNorm(l.sliceConv(name + ".downsample.0", h, in, out, 1, stride, 0)) : h;
        h = l.relu(y.add(shortcut));
        in = out;
      }
    }
    int k = spec.poolWindow();
    long slices = plane[2];
    SDVariable pooled = k == 0 ? h.mean(2, 3) : l.slicePool(h, false, k, k, 0).reshape(-1, in, slices); // (B, 8c, S)
    SDVariable perSlice = pooled.permute(0, 2, 1).reshape(-1, in);
    return l.linear(prefix + ".fc", perSlice, in, d, Init.NORMAL_SMALL).reshape(-1, slices, d).permute(0, 2, 1);
  }

  /** The authors' Transformer on one view's tokens (B, S, d): (B, S, d). */
  private SDVariable transformer(Layers l, SDVariable tokens, View v, long slices) {
    int base = spec.positionBase(head.inputShape());
    SDVariable pe = l.graph.buffer("TF.pos_embed.pe", Nd4j.create(MedicalTransformerJun2021Spec.positionTable(base, (int) d), new long[] {1, base, d}, 'c'));
    SDVariable seg = l.parameter("TF.pos_embed.seg_embedding.weight", Init.NORMAL, 0, 3, d);
    SDVariable table = slices == base ? pe : pe.get(SDIndex.all(), SDIndex.interval(0L, slices), SDIndex.all());
    SDVariable x = tokens.mul(Math.sqrt(d)).add(table).add(seg.get(SDIndex.point(MedicalTransformerJun2021Spec.viewRow(v))));
    long heads = spec.heads();
    long dk = spec.headDim();
    double drop = spec.dropout();
    for (int i = 0; i < spec.depth(); i++) {
      String p = "TF.encoding_block.layers." + i + ".";
      SDVariable h = norm(l, p + "norm_1", x);
      SDVariable flat = h.reshape(-1, d);
      SDVariable q = split(l.linear(p + "attn.q_linear", flat, d, heads * dk, Init.NORMAL_SMALL), slices);
      SDVariable k = split(l.linear(p + "attn.k_linear", flat, d, heads * dk, Init.NORMAL_SMALL), slices);
      SDVariable val = split(l.linear(p + "attn.v_linear", flat, d, heads * dk, Init.NORMAL_SMALL), slices);
      SDVariable scores = l.sd.mmul(q, k, false, true, false).mul(1 / Math.sqrt(dk));
      SDVariable attention = l.dropout(TransformerLayers.softmaxLastAxis(l, scores, 3), drop, heads, slices, slices);
      SDVariable attended = l.sd.mmul(attention, val).permute(0, 2, 1, 3).reshape(-1, heads * dk);
      SDVariable out = l.linear(p + "attn.out", attended, heads * dk, d, Init.NORMAL_SMALL).reshape(-1, slices, d);
      x = x.add(l.dropout(out, drop, slices, d));
      h = norm(l, p + "norm_2", x).reshape(-1, d);
      SDVariable ff = l.relu(l.linear(p + "ff.linear_1", h, d, spec.ffn(), Init.NORMAL_SMALL)).reshape(-1, slices, spec.ffn());
      ff = l.dropout(ff, drop, slices, spec.ffn()).reshape(-1, spec.ffn());
      ff = l.linear(p + "ff.linear_2", ff, spec.ffn(), d, Init.NORMAL_SMALL).reshape(-1, slices, d);
      x = x.add(l.dropout(ff, drop, slices, d));
    }
    return norm(l, "TF.encoding_block.norm", x);
  }

  /** (B S, h dk) to (B, h, S, dk): feature = head * dk + k, as the authors split them. */
  private SDVariable split(SDVariable x, long slices) {
    return x.reshape(-1, slices, spec.heads(), spec.headDim()).permute(0, 2, 1, 3);
  }

  /** The authors' Norm over the last axis: α (x - mean) / (unbiased sd + 1e-6) + β. */
  private SDVariable norm(Layers l, String prefix, SDVariable x) {
    SDVariable alpha = l.parameter(prefix + ".alpha", Init.ONES, 0, d);
    SDVariable bias = l.parameter(prefix + ".bias", Init.ZEROS, 0, d);
    SDVariable centred = x.sub(x.mean(true, 2));
    SDVariable sd = centred.mul(centred).sum(true, 2).div(d - 1).pow(0.5);
    return centred.div(sd.add(1e-6)).mul(alpha).add(bias);
  }

  @Override
  public SDVariable forward(Layers l, SDVariable input) {
    List<SDVariable> pooled = new ArrayList<>();
    for (View v : views) {
      int[] plane = layout(v);
      SDVariable encoding = encode(l, "encoding", viewTensor(input, v), plane);
      SDVariable hidden = transformer(l, encoding.permute(0, 2, 1), v, plane[2]);
      if (!l.training) {
        l.graph.probe("encoding_" + v.id(), encoding);
        l.graph.probe("transformer_" + v.id(), hidden.permute(0, 2, 1));
      }
      pooled.add(hidden.mean(1));
    }
    SDVariable features = pooled.size() == 1 ? pooled.get(0) : l.sd.concat(1, pooled.toArray(SDVariable[]::new));
    l.embedding(features);
    return l.linear("head", features, views.size() * d, head.outputs(), Init.NORMAL_SMALL);
  }

  @Override
  public long maskedTokens() {
    if (objective != Objective.MASKED_ENCODING) {
      return 0;
    }
    long t = 0;
    for (View v : views) {
      t += v.slices(head.inputShape());
    }
    return t;
  }

  /** Per view ⌊S × ratio⌋ distinct slices (the batch's fixed ones where given), the same for every scan. */
  @Override
  public float[] tokenMask(int batchSize, SplittableRandom random, Batch.Draws draws) {
    int tokens = (int) maskedTokens();
    float[] row = new float[tokens];
    int offset = 0;
    for (View v : views) {
      int slices = v.slices(head.inputShape());
      int[] fixed = draws == null ? null : draws.maskedSlices().get(v.id());
      int[] chosen = fixed != null ? fixed : choose(slices, spec.masked(slices), random);
      for (int i : chosen) {
        row[offset + i] = 1f;
      }
      offset += slices;
    }
    float[] mask = new float[batchSize * tokens];
    for (int b = 0; b < batchSize; b++) {
      System.arraycopy(row, 0, mask, b * tokens, tokens);
    }
    return mask;
  }

  /** {@code m} distinct indices of {@code n}, uniformly (a partial Fisher-Yates shuffle). */
  private static int[] choose(int n, int m, SplittableRandom random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < m; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, m);
  }

  /** The triplet objective's positives (the batch through each view's intensity curve) and negative (the batch rolled by one). */
  @Override
  public Map<String, INDArray> pretrainFeeds(Batch batch, SplittableRandom random) {
    if (objective != Objective.TRIPLET) {
      return Map.of();
    }
    Map<String, INDArray> out = new LinkedHashMap<>();
    int[] s = head.inputShape();
    long[] shape = {batch.size(), head.inputChannels(), s[0], s[1], s[2]};
    for (View v : views) {
      double[] c = batch.draws() == null ? null : batch.draws().intensityCurves().get(v.id());
      BezierIntensity curve = c != null ? new BezierIntensity(c[0], c[1], c[2], c[3], c[4] != 0) : BezierIntensity.draw(random::nextDouble);
      out.put("positive_" + v.id(), Nd4j.create(curve.table().apply(batch.images()), shape, 'c'));
    }
    float[] images = batch.images();
    int per = images.length / batch.size();
    float[] rolled = new float[images.length];
    for (int b = 0; b < batch.size(); b++) {
      System.arraycopy(images, ((b + 1) % batch.size()) * per, rolled, b * per, per);
    }
    out.put(NEGATIVE, Nd4j.create(rolled, shape, 'c'));
    return out;
  }

  @Override
  public boolean frozenByObjective(String parameter) {
    return objective == Objective.MASKED_ENCODING && parameter.startsWith("encoding.");
  }

  @Override
  public Pretraining pretrain(Layers l, SDVariable input, SDVariable mask) {
    return objective == Objective.TRIPLET ? triplet(l, input) : masked(l, input, mask);
  }

  private Pretraining masked(Layers l, SDVariable input, SDVariable mask) {
    SDVariable loss = null;
    List<SDVariable> encodings = new ArrayList<>();
    long offset = 0;
    for (View v : views) {
      int[] plane = layout(v);
      long slices = plane[2];
      SDVariable encoding = encode(l, "encoding", viewTensor(input, v), plane); // (B, d, S)
      INDArray minusOne = Nd4j.valueArrayOf(new long[] {1, head.inputChannels(), plane[0], plane[1], 1}, -1f, DataType.FLOAT);
      SDVariable token = encode(l, "encoding", l.sd.constant(l.graph.unique("minus_one_" + v.id()), minusOne), new int[] {plane[0], plane[1], 1});
      SDVariable m = mask.get(SDIndex.all(), SDIndex.interval(offset, offset + slices)).reshape(-1, 1, slices); // (B, 1, S)
      offset += slices;
      SDVariable tokens = encoding.mul(m.rsub(1)).add(token.mul(m));
      SDVariable hidden = transformer(l, tokens.permute(0, 2, 1), v, slices); // (B, S, d)
      SDVariable diff = hidden.sub(encoding.permute(0, 2, 1));
      SDVariable masked = m.permute(0, 2, 1); // (B, S, 1)
      SDVariable mse = diff.mul(diff).mul(masked).sum().div(masked.sum().mul(d));
      if (!l.training) {
        l.graph.probe("encoding_" + v.id(), encoding);
        l.graph.probe("transformer_" + v.id(), hidden.permute(0, 2, 1));
        l.graph.probe("mse_" + v.id(), mse);
      }
      loss = loss == null ? mse : loss.add(mse);
      encodings.add(encoding);
    }
    if (!l.training) {
      l.graph.probe("loss", loss);
    }
    return new Pretraining(loss, loss, spread(l, encodings));
  }

  private Pretraining triplet(Layers l, SDVariable input) {
    int[] s = head.inputShape();
    SDVariable negativeInput = l.graph.placeholder(NEGATIVE, -1, head.inputChannels(), s[0], s[1], s[2]);
    SDVariable loss = null;
    List<SDVariable> anchors = new ArrayList<>();
    for (View v : views) {
      int[] plane = layout(v);
      String name = MedicalTransformerJun2021Spec.encoderName(v);
      SDVariable positiveInput = l.graph.placeholder("positive_" + v.id(), -1, head.inputChannels(), s[0], s[1], s[2]);
      SDVariable anchor = encode(l, name, viewTensor(input, v), plane);
      SDVariable positive = encode(l, name, viewTensor(positiveInput, v), plane);
      SDVariable negative = encode(l, name, viewTensor(negativeInput, v), plane);
      SDVariable ap = anchor.sub(positive).add(1e-6);
      SDVariable an = anchor.sub(negative).add(1e-6);
      SDVariable dap = ap.mul(ap).sum(2).pow(0.5);
      SDVariable dan = an.mul(an).sum(2).pow(0.5);
      SDVariable view = l.relu(dap.sub(dan).add(spec.tripletMargin())).mean();
      if (!l.training) {
        l.graph.probe("anchor_" + v.id(), anchor);
        l.graph.probe("positive_" + v.id(), positive);
        l.graph.probe("loss_" + v.id(), view);
      }
      loss = loss == null ? view : loss.add(view);
      anchors.add(anchor);
    }
    if (!l.training) {
      l.graph.probe("loss", loss);
    }
    return new Pretraining(loss, loss, spread(l, anchors));
  }

  /** Mean over channels of the standard deviation of the encodings across scans and slices. */
  private SDVariable spread(Layers l, List<SDVariable> encodings) {
    List<SDVariable> flat = new ArrayList<>();
    encodings.forEach(e -> flat.add(e.permute(0, 2, 1).reshape(-1, d)));
    SDVariable all = flat.size() == 1 ? flat.get(0) : l.sd.concat(0, flat.toArray(SDVariable[]::new));
    SDVariable centred = all.sub(all.mean(true, 0));
    return l.sd.math().sqrt(centred.mul(centred).mean(0)).mean();
  }
}
