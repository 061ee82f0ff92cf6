package org.brainbench.harness.parity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.tasks.TaskType;

/** One (model, task) to check across backends. */
public record ParityCase(String name, ModelSpec spec, TaskHead head) {
  /**
   * The quickstart's four models (the same hyperparameters as {@code suites/quickstart.yaml}) on
   * every task each supports, on a cubic grid of {@code size}: classify (2 classes), regress and
   * segment (2 input channels, 4 classes).
   */
  public static List<ParityCase> quickstartModels(int size) {
    Map<String, Map<String, Object>> params = Map.of(
        "cnn3d", Map.of("widthFactor", 0.25, "dropout", 0.2, "segmentationLevels", 3),
        "medical-transformer", Map.of("encoderChannels", List.of(8, 16, 32, 32), "embedDim", 64, "depth", 2, "heads", 4, "dropout", 0.1),
        "slice-cnn", Map.of("channels", List.of(8, 16, 32, 64, 64), "embedding", 32, "aggregation", "attention"),
        "inflated-vit", Map.of("patch", 8, "dim", 64, "depth", 3, "heads", 4, "decoderChannels", 8, "dropout", 0.0));
    int[] shape = {size, size, size};
    // pre-training draws its token mask from each backend's own generator, so its outputs are not
    // comparable; its encoder and Transformer are the ones checked under the other heads
    List<TaskHead> heads = List.of(TaskHead.classify(1, shape, 2), TaskHead.regress(1, shape), TaskHead.segment(2, shape, 4));
    List<ParityCase> out = new ArrayList<>();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      ModelSpec spec = e.build(params.get(e.id()));
      for (TaskHead h : heads) {
        if (spec.incompatibility(h) == null) {
          out.add(new ParityCase(e.id() + "/" + h.type().id(), spec, h));
        }
      }
    }
    return out;
  }

  public boolean isPretrain() {
    return head.type() == TaskType.PRETRAIN;
  }
}
