package org.brainbench.api.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.weights.Tensor;

/**
 * A model built by a backend: trainable one step at a time, with the harness driving the loop.
 * Not thread-safe. Close it to free native memory.
 */
public interface Model extends AutoCloseable {
  ModelSpec spec();

  TaskHead head();

  /** Every parameter, with brainbench's neutral names (the same on every backend). */
  List<ParameterInfo> parameters();

  /** Total and trainable parameter counts. */
  default ParameterCount parameterCount() {
    long total = 0;
    long trainable = 0;
    for (ParameterInfo p : parameters()) {
      total += p.size();
      trainable += p.trainable() ? p.size() : 0;
    }
    return new ParameterCount(total, trainable);
  }

  /** Freezes the parameters whose names match (they keep their values); unfreezes the rest. */
  void setFrozen(Predicate<String> frozen);

  /**
   * One optimisation step on a batch with targets: forward, loss, backward, gradient clipping,
   * update. Returns the loss before the update (NaN if it diverged).
   */
  float trainStep(Batch batch, float learningRate);

  /**
   * Inference: per sample, the class probabilities (classify), the standardised value (regress),
   * or the class index of every voxel (segment).
   */
  float[][] predict(Batch batch);

  /** Every parameter (and normalisation statistic) as named float32 tensors. */
  List<Tensor> exportWeights();

  /**
   * Sets weights by name. Every tensor must match a parameter's name and shape; missing or extra
   * names and shape mismatches fail with a message listing all of them.
   */
  void importWeights(List<Tensor> weights);

  /** Saves everything needed to continue (weights and normalisation statistics) to a folder. */
  void save(Path folder) throws IOException;

  /** Loads what {@link #save} wrote. */
  void load(Path folder) throws IOException;

  @Override
  void close();
}
