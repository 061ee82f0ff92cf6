package org.brainbench.api.model;

import java.util.Arrays;
import org.brainbench.tasks.TaskType;

/**
 * What a model is built for: the task type, its input (channels and grid, depth-height-width =
 * z-y-x), and its outputs: the number of classes (classify), 1 (regress), the number of
 * segmentation classes including background (segment), or 1 (pretrain: the loss of the model's own
 * self-supervised objective).
 */
public record TaskHead(TaskType type, int inputChannels, int[] inputShape, int outputs, Objective objective) {
  /** A head without a named objective (pre-training uses the spec's default one). */
  public TaskHead(TaskType type, int inputChannels, int[] inputShape, int outputs) {
    this(type, inputChannels, inputShape, outputs, null);
  }

  public TaskHead {
    if (objective != null && type != TaskType.PRETRAIN) {
      throw new IllegalArgumentException("only a pretrain head has an objective, got " + type.id() + " with " + objective);
    }
    if (inputChannels < 1) {
      throw new IllegalArgumentException("input channels must be >= 1, got " + inputChannels);
    }
    if (inputShape == null || inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
      throw new IllegalArgumentException("input shape must be 3 sizes >= 1, got " + Arrays.toString(inputShape));
    }
    if (outputs < 1 || (type == TaskType.CLASSIFY && outputs < 2) || (type == TaskType.REGRESS && outputs != 1)
        || (type == TaskType.SEGMENT && outputs < 2) || (type == TaskType.PRETRAIN && outputs != 1)) {
      throw new IllegalArgumentException(type.id() + " head cannot have " + outputs + " outputs");
    }
    inputShape = inputShape.clone();
  }

  public static TaskHead classify(int channels, int[] shape, int classes) {
    return new TaskHead(TaskType.CLASSIFY, channels, shape, classes);
  }

  public static TaskHead regress(int channels, int[] shape) {
    return new TaskHead(TaskType.REGRESS, channels, shape, 1);
  }

  public static TaskHead segment(int channels, int[] shape, int classesWithBackground) {
    return new TaskHead(TaskType.SEGMENT, channels, shape, classesWithBackground);
  }

  /** Self-supervised pre-training: the model's own (default) objective, no targets. */
  public static TaskHead pretrain(int channels, int[] shape) {
    return new TaskHead(TaskType.PRETRAIN, channels, shape, 1);
  }

  /** Self-supervised pre-training with a named objective. */
  public static TaskHead pretrain(int channels, int[] shape, Objective objective) {
    return new TaskHead(TaskType.PRETRAIN, channels, shape, 1, objective);
  }

  /** The objective a pre-training head trains: the named one, or the spec's first. */
  public Objective objectiveOf(ModelSpec spec) {
    return objective != null ? objective : spec.objectives().isEmpty() ? null : spec.objectives().get(0);
  }

  /** Voxels per channel of one input. */
  public int voxels() {
    return inputShape[0] * inputShape[1] * inputShape[2];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskHead h && type == h.type && inputChannels == h.inputChannels
        && Arrays.equals(inputShape, h.inputShape) && outputs == h.outputs && java.util.Objects.equals(objective, h.objective);
  }

  @Override
  public int hashCode() {
    return (type.hashCode() * 31 + inputChannels) * 31 + Arrays.hashCode(inputShape) * 7 + outputs;
  }

  @Override
  public String toString() {
    return type.id() + "(" + inputChannels + "x" + inputShape[0] + "x" + inputShape[1] + "x" + inputShape[2] + " -> " + outputs + ")"
        + (objective == null ? "" : " " + objective.id());
  }
}
