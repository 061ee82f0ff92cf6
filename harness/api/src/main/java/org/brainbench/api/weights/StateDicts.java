package org.brainbench.api.weights;

import java.util.ArrayList;
import java.util.List;

/** What every PyTorch checkpoint of the authors' code needs before its names are a model's. */
public final class StateDicts {
  private StateDicts() {}

  /**
   * The tensors without {@code nn.DataParallel}'s {@code module.} prefix and without batch norm's
   * {@code num_batches_tracked} counters (brainbench keeps no such counter).
   */
  public static List<Tensor> plain(List<Tensor> tensors) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : tensors) {
      String name = t.name().startsWith("module.") ? t.name().substring("module.".length()) : t.name();
      if (!name.endsWith("num_batches_tracked")) {
        out.add(name.equals(t.name()) ? t : new Tensor(name, t.shape(), t.data()));
      }
    }
    return out;
  }
}
