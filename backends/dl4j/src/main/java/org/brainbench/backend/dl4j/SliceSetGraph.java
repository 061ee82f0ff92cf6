package org.brainbench.backend.dl4j;

import org.brainbench.api.model.SliceCnnGupta2021Spec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link SliceCnnGupta2021Spec} on SameDiff, the same function, names and initialisation as the DJL
 * backend: encoder1 or the ResNet-18 per slice (images of the two other axes in (x, y, z) order), the optional
 * position table with its joint LayerNorm, the aggregation, {@code attn_post}, ReLU and {@code
 * regressor.1}.
 */
public final class SliceSetGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<SliceCnnGupta2021Spec> {
    @Override
    public Class<SliceCnnGupta2021Spec> specType() {
      return SliceCnnGupta2021Spec.class;
    }

    @Override
    public ModelGraph build(SliceCnnGupta2021Spec spec, TaskHead head) {
      return new SliceSetGraph(spec, head);
    }
  }

  private static final double EPS = 1e-5;

  private final SliceCnnGupta2021Spec spec;
  private final TaskHead head;

  SliceSetGraph(SliceCnnGupta2021Spec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
  }

  @Override
  public SDVariable forward(Layers l, SDVariable input) {
    int[] dhw = head.inputShape();
    int[] img = spec.image(dhw);
    long s = spec.slices(dhw);
    long in = head.inputChannels();
    // (B, C, z, y, x) to (B * S, C, rows, columns), subject-major
    SDVariable t = switch (spec.view()) {
      case SAGITTAL -> input.permute(0, 4, 1, 3, 2);
      case CORONAL -> input.permute(0, 3, 1, 4, 2);
      case AXIAL -> input.permute(0, 2, 1, 4, 3);
    };
    SDVariable x = t.reshape(-1, in, img[0], img[1]);
    long f = spec.sliceFeatures();
    int d = spec.width();
    SDVariable bsf;
    if (spec.resnet()) {
      SDVariable rgb = in == 1 ? l.sd.concat(1, x, x, x) : x; // their one channel repeated to RGB
      SDVariable map = SliceEncoders.resnet18(l, SliceCnnGupta2021Spec.RESNET_PREFIX, rgb, SliceCnnGupta2021Spec.resnetInputChannels((int) in),
          spec.resnetWidth(), img, s);
      bsf = l.linear("encoder_2d.post_proc.0", map.mean(2, 3), 8L * spec.resnetWidth(), d, Init.TORCH_DEFAULT).reshape(-1, s, f);
    } else {
      for (int i = 0; i < spec.channels().size(); i++) {
        int c = spec.channels().get(i);
        x = SliceEncoders.instanceNorm(l.conv2d("encoder_2d.encoder_2d." + i + ".0", x, in, c, 3, 1, 1, true, 9L * c));
        x = l.relu(l.maxPool2d(x, 2, 2, 0));
        in = c;
      }
      x = l.relu(SliceEncoders.instanceNorm(l.conv2d("encoder_2d.post_proc_conv.0", x, in, f, 1, 1, 0, true, f)));
      int[] k = spec.averagePool(dhw);
      x = l.avgPool2d(x, k[0], k[1]); // (B * S, F, 1, 1)
      bsf = x.reshape(-1, s, f);
    }
    if (spec.positionEncoding()) {
      long[] table = spec.positionTableShape(dhw);
      long[] ln = java.util.Arrays.copyOfRange(table, 1, table.length);
      SDVariable p = l.parameter("encoder_2d.position_encoder.position_encoding", Init.HE, 2 * s, table).reshape(1, f, s); // N(0, 1/S)
      SDVariable w = l.parameter("encoder_2d.position_encoder.ln.weight", Init.ONES, 0, ln).reshape(1, f, s);
      SDVariable b = l.parameter("encoder_2d.position_encoder.ln.bias", Init.ZEROS, 0, ln).reshape(1, f, s);
      SDVariable z = bsf.permute(0, 2, 1).add(p); // (B, F, S)
      SDVariable centred = z.sub(z.mean(true, 1, 2));
      SDVariable normed = centred.mul(centred.mul(centred).mean(true, 1, 2).add(EPS).pow(-0.5));
      bsf = normed.mul(w).add(b).permute(0, 2, 1);
    }
    SDVariable emb = bsf; // the ResNet's slice embeddings: no dropout, no convolution after the positions
    if (!spec.resnet()) {
      bsf = l.dropout(bsf, spec.dropout(), s, f);
      emb = l.conv2d("encoder_2d.post_position_encoding.1", bsf.reshape(-1, f, 1, 1), f, d, 1, 1, 0, true, d).reshape(-1, s, d);
    }
    SDVariable agg = aggregate(l, emb, s, d);
    SDVariable hidden = l.relu(l.linear("attn_post", agg, d, SliceCnnGupta2021Spec.HIDDEN, linearInit()));
    l.embedding(hidden);
    int outputs = spec.regressorOutputs(head);
    SDVariable weight = l.parameter("regressor.1.weight", Init.TORCH_DEFAULT, SliceCnnGupta2021Spec.HIDDEN, outputs, SliceCnnGupta2021Spec.HIDDEN);
    SDVariable bias = l.parameter("regressor.1.bias", Init.ZEROS, 0, outputs);
    if (spec.initialRegressorBias(head) != 0) {
      bias.getArr().assign(spec.initialRegressorBias(head));
    }
    return l.sd.mmul(hidden, weight, false, true, false).add(bias);
  }

  /**
   * Their "custom" initialisation (N(0, 0.01) linears, zero biases) is encoder1's; with the ResNet
   * they keep PyTorch's defaults for every linear but the regressor's bias.
   */
  private Init linearInit() {
    return spec.resnet() ? Init.TORCH_DEFAULT : Init.NORMAL_SMALL;
  }

  private SDVariable aggregate(Layers l, SDVariable emb, long s, int d) {
    return switch (spec.aggregation()) {
      case MEAN -> emb.mean(1);
      case MAX -> emb.max(1);
      case GATED_ATTENTION -> {
        SDVariable flat = emb.reshape(-1, d);
        SDVariable v = l.sd.math().tanh(l.linear("gated_attention.V", flat, d, d, linearInit()));
        SDVariable w = l.parameter("gated_attention.w.weight", linearInit(), d, 1, d);
        SDVariable scores = l.sd.mmul(v, w, false, true, false).reshape(-1, s);
        SDVariable a = l.sd.math().exp(TaskLosses.logSoftmax(l.sd, scores, 1));
        yield emb.mul(a.reshape(-1, s, 1)).sum(1);
      }
      case POOLED_ATTENTION -> {
        int h = spec.heads();
        int dh = d / h;
        SDVariable query = l.parameter("pooled_attention.S", Init.XAVIER_UNIFORM, 1 + d, 1, d).reshape(1, 1, h, dh);
        SDVariable flat = emb.reshape(-1, d);
        SDVariable key = l.linear("pooled_attention.fc_k", flat, d, d, linearInit()).reshape(-1, s, h, dh);
        SDVariable val = l.linear("pooled_attention.fc_v", flat, d, d, linearInit()).reshape(-1, s, h, dh);
        SDVariable scores = key.mul(query).sum(3).div(Math.sqrt(dh)); // (B, S, h)
        SDVariable a = l.sd.math().exp(TaskLosses.logSoftmax(l.sd, scores, 1)).reshape(-1, s, h, 1);
        SDVariable pooled = val.mul(a).sum(1).reshape(-1, d);
        SDVariable centred = pooled.sub(pooled.mean(true, 1));
        SDVariable normed = centred.mul(centred.mul(centred).mean(true, 1).add(EPS).pow(-0.5));
        SDVariable gamma = l.parameter("pooled_attention.ln0.weight", Init.ONES, 0, d);
        SDVariable beta = l.parameter("pooled_attention.ln0.bias", Init.ZEROS, 0, d);
        yield l.linear("pooled_attention.fc_o", normed.mul(gamma).add(beta), d, d, linearInit());
      }
    };
  }
}
