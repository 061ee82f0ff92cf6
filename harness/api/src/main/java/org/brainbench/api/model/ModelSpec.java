package org.brainbench.api.model;

/**
 * A backend-neutral description of a model architecture. Every backend builds exactly this
 * architecture from it, so parameter counts agree across backends and with {@link
 * #parameterCount(TaskHead)}, the count computed from the spec alone.
 */
public sealed interface ModelSpec permits Cnn3dSpec {
  /** The model id used in suites and results ({@code cnn3d}, ...). */
  String id();

  /** The analytic number of parameters of this architecture with this head (all trainable). */
  long parameterCount(TaskHead head);

  /** Checks that the architecture can take this head's input; a message if not, else null. */
  String incompatibility(TaskHead head);
}
