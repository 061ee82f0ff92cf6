package org.brainbench.api.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.tasks.TaskType;

/** One (model, task) to check across backends. */
public record ParityCase(String name, ModelSpec spec, TaskHead head) {
  /**
   * Each spec on every supervised task it supports, on a cubic grid of {@code size}: classify (2
   * classes), regress, and segment (2 input channels, 4 classes). Pre-training draws its token mask
   * from each backend's own generator, so its outputs are not comparable; its encoder and
   * Transformer are the ones checked under the other heads.
   */
  public static List<ParityCase> of(List<ModelSpec> specs, int size) {
    Map<String, ModelSpec> byId = new LinkedHashMap<>();
    for (ModelSpec spec : specs) {
      if (byId.putIfAbsent(spec.id(), spec) != null) {
        throw new IllegalArgumentException("two specs of " + spec.id() + ": name them (ParityCase.named)");
      }
    }
    return named(byId, size);
  }

  /** As {@link #of}, each case named {@code name/task} after the map's key (a suite's model name), in the map's order. */
  public static List<ParityCase> named(Map<String, ModelSpec> specs, int size) {
    int[] shape = {size, size, size};
    List<TaskHead> heads = List.of(TaskHead.classify(1, shape, 2), TaskHead.regress(1, shape), TaskHead.segment(2, shape, 4));
    List<ParityCase> out = new ArrayList<>();
    specs.forEach((name, spec) -> {
      for (TaskHead h : heads) {
        if (spec.incompatibility(h) == null) {
          out.add(new ParityCase(name + "/" + h.type().id(), spec, h));
        }
      }
    });
    return out;
  }

  /** Every example configuration of every model in the catalogue ({@link ModelCatalog.Entry#examples}). */
  public static List<ModelSpec> catalogueExamples() {
    List<ModelSpec> out = new ArrayList<>();
    ModelCatalog.entries().forEach(e -> out.addAll(e.examples()));
    return out;
  }

  @Override
  public String toString() {
    return name;
  }

  public boolean isPretrain() {
    return head.type() == TaskType.PRETRAIN;
  }
}
