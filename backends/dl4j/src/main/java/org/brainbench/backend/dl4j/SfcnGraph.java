package org.brainbench.backend.dl4j;

import java.util.List;
import org.brainbench.api.model.Cnn3dPeng2021Spec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * {@link Cnn3dPeng2021Spec} on SameDiff, the same function and the authors' parameter names as the
 * DJL backend: conv (with bias), batch norm, max-pool and ReLU blocks, a 1x1x1 block, average pool
 * over the last map, dropout and a 1x1x1 classifier to (B, K) logits.
 */
public final class SfcnGraph implements ModelGraph {
  /** Registers this model with the DL4J backend. */
  public static final class Builder implements Dl4jModelBuilder<Cnn3dPeng2021Spec> {
    @Override
    public Class<Cnn3dPeng2021Spec> specType() {
      return Cnn3dPeng2021Spec.class;
    }

    @Override
    public ModelGraph build(Cnn3dPeng2021Spec spec, TaskHead head) {
      return new SfcnGraph(spec, head);
    }
  }

  private final Cnn3dPeng2021Spec spec;
  private final TaskHead head;

  SfcnGraph(Cnn3dPeng2021Spec spec, TaskHead head) {
    this.spec = spec;
    this.head = head;
  }

  @Override
  public SDVariable forward(Layers l, SDVariable x) {
    List<Integer> c = spec.channels();
    long in = head.inputChannels();
    long[] size = {head.inputShape()[0], head.inputShape()[1], head.inputShape()[2]};
    for (int i = 0; i < c.size(); i++) {
      boolean last = i == c.size() - 1;
      String prefix = "feature_extractor.conv_" + i;
      x = l.conv3d(prefix + ".0", x, in, c.get(i), last ? 1 : 3, 1, last ? 0 : 1, true, Init.TORCH_DEFAULT);
      x = l.batchNorm(prefix + ".1", x, c.get(i), 5, size[0] * size[1] * size[2]);
      if (!last) {
        x = l.maxPool3d(x, 2);
        for (int a = 0; a < 3; a++) {
          size[a] /= 2;
        }
      }
      x = l.relu(x);
      in = c.get(i);
    }
    x = l.avgPool3d(x, spec.averagePool(head.inputShape()));
    l.embedding(x.reshape(-1, in));
    x = l.dropout(x, spec.dropout(), in, 1, 1, 1);
    int k = spec.classifierOutputs(head);
    return l.conv3d("classifier.conv_6", x, in, k, 1, 1, 0, true, Init.TORCH_DEFAULT).reshape(-1, k);
  }
}
