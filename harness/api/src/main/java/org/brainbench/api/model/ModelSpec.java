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
public sealed interface ModelSpec permits MedicalTransformerJun2021Spec, MedicalTransformerSpec, Cnn3dSpec, Cnn3dPeng2021Spec, SliceCnnSpec,
    SliceCnnGupta2021Spec, InflatedVitSpec, InflatedVitZhang2022Spec {
  /** The model id used in suites and results ({@code cnn3d}, ...). */
  String id();

  /** The published variant this spec is ({@link ModelInfo#protocol}), empty for a model with one. */
  default String protocol() {
    return getClass().getAnnotation(ModelInfo.class).protocol();
  }

  /** The pre-training objectives this model has, its default first (empty: trained from scratch only). */
  default java.util.List<Objective> objectives() {
    return java.util.List.of();
  }

  /** Why this model cannot pre-train with the head's objective, or null (call first in {@link #incompatibility}). */
  static String objectiveProblem(ModelSpec spec, TaskHead head) {
    if (head.type() != org.brainbench.tasks.TaskType.PRETRAIN) {
      return null;
    }
    if (spec.objectives().isEmpty()) {
      return spec.id() + " has no pre-training objective";
    }
    if (head.objective() != null && !spec.objectives().contains(head.objective())) {
      return spec.id() + (spec.protocol().isEmpty() ? "" : " (" + spec.protocol() + ")") + " pre-trains with " + spec.objectives() + ", not "
          + head.objective();
    }
    return null;
  }

  /** The parameters a model built for this head trains before any fine-tuning freeze (all, unless an objective fixes some). */
  default long trainableCount(TaskHead head) {
    return parameterCount(head);
  }

  /** The fine-tuning mode a suite gets when it does not name one. */
  default FineTune defaultFineTune() {
    return FineTune.FULL;
  }

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

  /**
   * Regression as soft classification over these bins of the target ({@link
   * org.brainbench.api.training.SoftBins}): the model outputs one logit per bin and predicts the
   * expectation of the bin centres. Null (the default): one output, L1 or squared error.
   */
  default org.brainbench.api.training.SoftBins regressionBins() {
    return null;
  }

  /** The loss a segment head trains with: brainbench's cross-entropy plus Dice unless the protocol's authors used another. */
  default org.brainbench.api.training.SegmentationLoss segmentationLoss() {
    return org.brainbench.api.training.SegmentationLoss.CROSS_ENTROPY_DICE;
  }

  /** The layer that gives the outputs of a classify or regress head ({@code <name>.weight}, {@code <name>.bias}); it reads the embedding. */
  default String outputLayer() {
    return "head";
  }

  /**
   * Whether a two-class classifier has one output, a logit trained with binary cross-entropy (the
   * prediction is [1 - sigmoid, sigmoid]), as Gupta et al.'s AD classifier; else one per class.
   */
  default boolean binaryLogit() {
    return false;
  }

  /** Whether a regression target reaches the model standardised (the default), or in its own units (years). */
  default boolean standardisesRegressionTarget() {
    return true;
  }

  /** This spec with whatever it derives from the training targets (e.g. age bins), given before the model is built; itself by default. */
  default ModelSpec fittedToTargets(org.brainbench.tasks.TaskType type, double[] trainingTargets) {
    return this;
  }

  /**
   * Whether a weights file this spec names ({@link #weightsFile()}) must hold this parameter: a
   * parameter it covers but lacks is a mismatch. By default none (files such as timm's or
   * torchvision's fill what they have).
   */
  default boolean weightsCover(String parameter) {
    return false;
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
      case HEAD_ONLY, LINEAR_PROBE -> name -> !isHead(name); // a probe's fitted head has the head's parameters
    };
  }
}
