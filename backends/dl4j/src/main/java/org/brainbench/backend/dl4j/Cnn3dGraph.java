package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link Cnn3dSpec} on SameDiff, the same function and parameter names as the DJL backend: the SFCN
 * trunk (conv-BN-ReLU-maxpool blocks, a 1x1x1 block, global average pooling, dropout, linear head)
 * or the 3D U-Net for segmentation.
 */
public final class Cnn3dGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<Cnn3dSpec> {
    @Override
    public Class<Cnn3dSpec> specType() {
      return Cnn3dSpec.class;
    }

    @Override
    public ModelGraph build(Cnn3dSpec spec, TaskHead head) {
      return new Cnn3dGraph(spec, head);
    }
  }

  private final Cnn3dSpec spec;
  private final TaskHead head;

  Cnn3dGraph(Cnn3dSpec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
  }

  @Override
  public SDVariable forward(Layers l, SDVariable x) {
    return head.type() == TaskType.SEGMENT ? unet(l, x) : trunk(l, x);
  }

  private SDVariable trunk(Layers l, SDVariable x) {
    List<Integer> w = spec.widths();
    long in = head.inputChannels();
    long[] size = {head.inputShape()[0], head.inputShape()[1], head.inputShape()[2]};
    for (int b = 0; b < w.size(); b++) {
      boolean last = b == w.size() - 1;
      x = convBnRelu(l, "blocks." + b, x, in, w.get(b), last ? 1 : 3, size);
      if (!last) {
        x = l.maxPool3d(x, 2);
        for (int a = 0; a < 3; a++) {
          size[a] /= 2;
        }
      }
      in = w.get(b);
    }
    x = x.mean(2, 3, 4);
    x = l.dropout(x, spec.dropout(), in);
    l.embedding(x);
    return l.linear("head", x, in, head.outputs(), Init.HE);
  }

  private SDVariable unet(Layers l, SDVariable x) {
    List<Integer> w = spec.widths().subList(0, spec.segmentationLevels());
    long in = head.inputChannels();
    long[] size = {head.inputShape()[0], head.inputShape()[1], head.inputShape()[2]};
    List<SDVariable> skips = new ArrayList<>();
    for (int level = 0; level < w.size(); level++) {
      if (level > 0) {
        x = l.maxPool3d(x, 2);
        for (int a = 0; a < 3; a++) {
          size[a] /= 2;
        }
      }
      x = convBnRelu(l, "encoder." + level, x, in, w.get(level), 3, size);
      skips.add(x);
      in = w.get(level);
    }
    for (int level = w.size() - 2; level >= 0; level--) {
      SDVariable up = l.sd.cnn().upsampling3d(x, true, 2, 2, 2);
      for (int a = 0; a < 3; a++) {
        size[a] *= 2;
      }
      x = l.sd.concat(1, up, skips.get(level));
      x = convBnRelu(l, "decoder." + level, x, in + w.get(level), w.get(level), 3, size);
      in = w.get(level);
    }
    return l.conv3d("head", x, in, head.outputs(), 1, 1, 0, true);
  }

  private static SDVariable convBnRelu(Layers l, String prefix, SDVariable x, long in, long out, int kernel, long[] size) {
    x = l.conv3d(prefix + ".conv", x, in, out, kernel, 1, kernel / 2, false);
    x = l.batchNorm(prefix + ".bn", x, out, 5, size[0] * size[1] * size[2]);
    return l.relu(x);
  }
}
