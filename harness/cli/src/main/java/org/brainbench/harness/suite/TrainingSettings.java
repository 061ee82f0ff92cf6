package org.brainbench.harness.suite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainbench.tasks.preprocess.Augmentation;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.RegressionLoss;
import org.brainbench.api.training.Schedule;
import org.brainbench.api.training.TrainingConfig;

/** Reads {@code training:} blocks key by key, and builds the final {@link TrainingConfig}. */
final class TrainingSettings {
  static final Set<String> KEYS = Set.of("epochs", "batchSize", "optimizer", "learningRate", "weightDecay", "momentum",
      "warmupEpochs", "patience", "gradientClip", "regressionLoss", "augmentation", "schedule", "stepGamma", "stepEpochs");
  static final Set<String> AUGMENTATION_KEYS = Set.of("flip", "rotateDegrees", "scale", "intensity");

  private TrainingSettings() {}

  static TrainingPatch read(Node n) {
    if (n.isMissing()) {
      return TrainingPatch.empty();
    }
    n.allowOnly(KEYS);
    Map<String, Object> v = new LinkedHashMap<>();
    put(v, "epochs", n.get("epochs").integer(null, 1, 100_000));
    put(v, "batchSize", n.get("batchSize").integer(null, 1, 4096));
    put(v, "optimizer", n.get("optimizer").choice(null, List.of("adamw", "adam", "sgd")));
    put(v, "learningRate", n.get("learningRate").number(null, 0, 10, true));
    put(v, "weightDecay", n.get("weightDecay").number(null, 0, 0.999, false));
    put(v, "momentum", n.get("momentum").number(null, 0, 0.999, false));
    put(v, "warmupEpochs", n.get("warmupEpochs").number(null, 0, 100_000, false));
    put(v, "patience", n.get("patience").integer(null, 0, 100_000));
    put(v, "gradientClip", n.get("gradientClip").number(null, 0, 1e6, false));
    put(v, "regressionLoss", n.get("regressionLoss").choice(null, List.of("l1", "mse")));
    put(v, "schedule", n.get("schedule").choice(null, List.of("cosine", "step", "linear")));
    put(v, "stepGamma", n.get("stepGamma").number(null, 0, 1, true));
    put(v, "stepEpochs", n.get("stepEpochs").integer(null, 1, 100_000));
    Node aug = n.get("augmentation");
    if (!aug.isMissing() && aug.allowOnly(AUGMENTATION_KEYS)) {
      put(v, "augmentation.flip", aug.get("flip").number(null, 0, 1, false));
      put(v, "augmentation.rotateDegrees", aug.get("rotateDegrees").number(null, 0, 45, false));
      put(v, "augmentation.scale", aug.get("scale").number(null, 0, 0.49, false));
      put(v, "augmentation.intensity", aug.get("intensity").number(null, 0, 1, false));
    }
    return new TrainingPatch(v);
  }

  private static void put(Map<String, Object> v, String key, Object value) {
    if (value != null) {
      v.put(key, value);
    }
  }

  /** The defaults with the patch applied; throws IllegalArgumentException on inconsistent values. */
  static TrainingConfig build(TrainingPatch patch) {
    TrainingConfig d = TrainingConfig.defaults();
    Map<String, Object> v = patch.values();
    Augmentation a = d.augmentation();
    return new TrainingConfig(
        ((Number) v.getOrDefault("epochs", (long) d.epochs())).intValue(),
        ((Number) v.getOrDefault("batchSize", (long) d.batchSize())).intValue(),
        OptimizerKind.fromId((String) v.getOrDefault("optimizer", d.optimizer().id())),
        ((Number) v.getOrDefault("learningRate", d.learningRate())).doubleValue(),
        ((Number) v.getOrDefault("weightDecay", d.weightDecay())).doubleValue(),
        ((Number) v.getOrDefault("momentum", d.momentum())).doubleValue(),
        ((Number) v.getOrDefault("warmupEpochs", d.warmupEpochs())).doubleValue(),
        ((Number) v.getOrDefault("patience", (long) d.patience())).intValue(),
        ((Number) v.getOrDefault("gradientClip", d.gradientClip())).doubleValue(),
        RegressionLoss.fromId((String) v.getOrDefault("regressionLoss", d.regressionLoss().id())),
        new Augmentation(
            ((Number) v.getOrDefault("augmentation.flip", a.flip())).doubleValue(),
            ((Number) v.getOrDefault("augmentation.rotateDegrees", a.rotateDegrees())).doubleValue(),
            ((Number) v.getOrDefault("augmentation.scale", a.scale())).doubleValue(),
            ((Number) v.getOrDefault("augmentation.intensity", a.intensity())).doubleValue()),
        Schedule.fromId((String) v.getOrDefault("schedule", d.schedule().id())),
        ((Number) v.getOrDefault("stepGamma", d.stepGamma())).doubleValue(),
        ((Number) v.getOrDefault("stepEpochs", (long) d.stepEpochs())).intValue());
  }
}
