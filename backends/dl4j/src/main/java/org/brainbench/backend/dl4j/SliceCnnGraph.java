package org.brainbench.backend.dl4j;

import java.util.List;
import org.brainbench.api.model.SliceCnnSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.model.View;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link SliceCnnSpec} on SameDiff, as the DJL backend builds it: a shared 2D encoder over one
 * view's slices, a 1x1 convolution to the slice embedding, optional slice-position embeddings and
 * mean, max or attention pooling over slices; for segmentation a 2D U-Net decoder per slice.
 */
public final class SliceCnnGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<SliceCnnSpec> {
    @Override
    public Class<SliceCnnSpec> specType() {
      return SliceCnnSpec.class;
    }

    @Override
    public ModelGraph build(SliceCnnSpec spec, TaskHead head) {
      return new SliceCnnGraph(spec, head);
    }
  }

  private final SliceCnnSpec spec;
  private final TaskHead head;
  private final View view;

  SliceCnnGraph(SliceCnnSpec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
    this.view = spec.view();
  }

  @Override
  public SDVariable forward(Layers l, SDVariable input) {
    int[] dhw = head.inputShape();
    int[] hw = view.sliceShape(dhw);
    long slices = view.slices(dhw);
    long c = head.inputChannels();
    SDVariable x = SliceEncoders.toSlices(input, view, c, dhw);
    boolean segment = head.type() == TaskType.SEGMENT;
    if (segment) {
      return segment(l, x, dhw, hw);
    }
    SDVariable last;
    if (spec.encoder() == org.brainbench.api.model.EncoderKind.RESNET18) {
      last = SliceEncoders.resnet18(l, "encoder", x, c, SliceCnnSpec.RESNET_WIDTH, hw, slices);
    } else {
      List<SDVariable> f = SliceEncoders.convEncoder(l, "encoder", x, c, spec.channels(), hw, true, true, slices);
      last = f.get(f.size() - 1);
    }
    long e = spec.embedding();
    SDVariable embedding = l.conv2d("encoder.embed", last, spec.encoderWidth(), e, 1, 1, 0, true).mean(2, 3);
    SDVariable h = embedding.reshape(-1, slices, e); // (B, S, E)
    if (spec.positionEmbedding()) {
      h = h.add(l.parameter("pos_embed", Init.TRUNC_NORMAL, 0, slices, e));
    }
    SDVariable pooled = switch (spec.aggregation()) {
      case MAX -> h.max(1);
      case ATTENTION -> {
        SDVariable flat = h.reshape(-1, e);
        SDVariable hidden = l.sd.math().tanh(l.linear("attention.fc1", flat, e, e, Init.HE));
        SDVariable w2 = l.parameter("attention.fc2.weight", Init.HE, e, 1, e);
        SDVariable scores = l.sd.mmul(hidden, w2, false, true, false).reshape(-1, slices); // (B, S)
        SDVariable weights = l.sd.math().exp(TaskLosses.logSoftmax(l.sd, scores, 1));
        yield h.mul(weights.reshape(-1, slices, 1)).sum(1);
      }
      case MEAN -> h.mean(1);
    };
    l.embedding(pooled);
    return l.linear("head", pooled, e, head.outputs(), Init.HE);
  }

  /** The 2D U-Net on every slice: instance-normed encoder, nearest 2x upsampling, skip concatenation. */
  private SDVariable segment(Layers l, SDVariable x, int[] dhw, int[] hw) {
    List<Integer> c = spec.channels();
    List<SDVariable> f = SliceEncoders.convEncoder(l, "encoder", x, head.inputChannels(), c, hw, true, false, view.slices(dhw));
    SDVariable y = f.get(f.size() - 1);
    long in = c.get(c.size() - 1);
    for (int i = c.size() - 2; i >= 0; i--) {
      SDVariable skip = f.get(i);
      SDVariable up = l.sd.cnn().upsampling2d(y, 2, 2, true);
      y = l.sd.concat(1, up, skip);
      y = l.relu(SliceEncoders.instanceNorm(l.conv2d("decoder.blocks." + i + ".conv", y, in + c.get(i), c.get(i), 3, 1, 1, false)));
      in = c.get(i);
    }
    SDVariable logits = l.conv2d("decoder.head", y, in, head.outputs(), 1, 1, 0, true);
    return SliceEncoders.fromSlices(logits, view, head.outputs(), dhw);
  }
}
