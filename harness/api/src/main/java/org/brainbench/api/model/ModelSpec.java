package org.brainbench.api.model;

/**
 * A backend-neutral description of a model architecture. Every backend builds exactly this
 * architecture from it, so parameter counts agree across backends and with {@link
 * #parameterCount(TaskHead)}, the count computed from the spec alone.
 *
 * <p>A spec is a record annotated with {@link ModelInfo}, whose every component carries a {@link
 * Param}, whose compact constructor starts with {@link ParamSchema#check}, and which has a {@code
 * public static List<...> examples()} of small configurations. The {@link ModelCatalog} lists the
 * permitted records in this order; backends register one builder per record type.
 */
public sealed interface ModelSpec permits MedicalTransformerSpec, Cnn3dSpec, SliceCnnSpec, InflatedVitSpec {
  /** The model id used in suites and results ({@code cnn3d}, ...). */
  String id();

  /** The analytic number of parameters of this architecture with this head (all trainable). */
  long parameterCount(TaskHead head);

  /** Checks that the architecture can take this head's input; a message if not, else null. */
  String incompatibility(TaskHead head);

  /** Whether a parameter (by neutral name) is part of the encoder kept fixed by frozen-encoder fine-tuning. */
  boolean isEncoder(String parameter);

  /** Whether a parameter is part of the task head (the only part trained by head-only fine-tuning). */
  boolean isHead(String parameter);

  /**
   * Whether the model has Transformer attention. On the CPU, PyTorch's kernels for these models
   * were measured to give run-to-run different results with more than one intra-op thread, so the
   * DJL backend trains them single-threaded (results record the threads each cell used).
   */
  default boolean hasAttention() {
    return false;
  }

  /** A weights file this model's own parameters name, to start from instead of random weights; null when none. */
  default org.brainbench.api.weights.WeightsFile weightsFile() {
    return null;
  }

  /**
   * Tensors read from {@link #weightsFile()} converted to this model's neutral names and shapes for
   * this head (e.g. a 2D ViT inflated to 3D, torchvision's ResNet renamed); as they are by default.
   *
   * @param inputChannels the task's input channels
   */
  default java.util.List<org.brainbench.api.weights.Tensor> convertWeights(java.util.List<org.brainbench.api.weights.Tensor> tensors, TaskHead head,
      int inputChannels) {
    return tensors;
  }

  /** Tensors a pre-training stage of this model saved, converted for this head; as they are by default. */
  default java.util.List<org.brainbench.api.weights.Tensor> fromStage(java.util.List<org.brainbench.api.weights.Tensor> tensors, TaskHead head) {
    return tensors;
  }

  /** The parameters a fine-tuning mode freezes. */
  default java.util.function.Predicate<String> frozenBy(FineTune mode) {
    return switch (mode) {
      case FULL -> name -> false;
      case FROZEN_ENCODER -> this::isEncoder;
      case HEAD_ONLY -> name -> !isHead(name);
    };
  }
}
