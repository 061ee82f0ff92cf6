package org.brainbench.api.backend;

import java.util.Set;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;

/**
 * A deep-learning library that builds and trains brainbench models. Implementations are found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.brainbench.api.backend.Backend}),
 * as DJL finds engines; see {@link Backends}.
 */
public interface Backend {
  /** The id used in suites and results: {@code djl}, {@code dl4j}. */
  String id();

  /** Versions, device and threads, for provenance. Starts the engine if needed. */
  BackendInfo info();

  /** Model ids this backend can build. */
  Set<String> supportedModels();

  /**
   * Builds a freshly initialised model. The same seed on the same backend and machine gives the
   * same initial weights and, with the same batches, the same training trajectory.
   */
  Model newModel(ModelSpec spec, TaskHead head, TrainingConfig training, long seed);
}
