package org.brainbench.backend.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.List;
import org.brainbench.api.model.Cnn3dSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.tasks.TaskType;

/** Builds {@link Cnn3dSpec} on DJL: the SFCN trunk with a head, or the 3D U-Net. */
public final class Cnn3dBlocks {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<Cnn3dSpec> {
    @Override
    public Class<Cnn3dSpec> specType() {
      return Cnn3dSpec.class;
    }

    @Override
    public Block build(Cnn3dSpec spec, TaskHead head, NamedParameters names) {
      return Cnn3dBlocks.build(spec, head, names);
    }
  }

  private Cnn3dBlocks() {}

  static Block build(Cnn3dSpec spec, TaskHead head, NamedParameters names) {
    List<Integer> w = spec.widths();
    if (head.type() == TaskType.SEGMENT) {
      return new UNet3dBlock(w.subList(0, spec.segmentationLevels()), head.outputs(), names);
    }
    SequentialBlock net = new SequentialBlock();
    for (int b = 0; b < w.size(); b++) {
      boolean last = b == w.size() - 1;
      SequentialBlock block = Layers.convBnRelu(names, "blocks." + b, w.get(b), last ? 1 : 3, b == 0);
      if (!last) {
        // SFCN order is conv, norm, pool, ReLU; ReLU and max-pooling commute, so pooling after
        // ReLU gives the same function
        block.add(Pool.maxPool3dBlock(new Shape(2, 2, 2), new Shape(2, 2, 2)));
      }
      net.add(block);
    }
    net.add(Pool.globalAvgPool3dBlock());
    net.add(Blocks.batchFlattenBlock());
    if (spec.dropout() > 0) {
      net.add(Dropout.builder().optRate((float) spec.dropout()).build());
    }
    Linear linear = Linear.builder().setUnits(head.outputs()).build();
    names.addWeights("head", linear);
    return new TrunkAndHead(net, linear);
  }
}
