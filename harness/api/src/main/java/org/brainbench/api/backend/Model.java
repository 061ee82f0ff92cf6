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

  /** Intra-op threads this model computes with (recorded in results). */
  default int threads() {
    return -1;
  }

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

  /**
   * The raw outputs in inference mode, per sample flattened row-major: the logits (classify), the
   * standardised value (regress), the voxel logits K x D x H x W (segment). What {@code parity}
   * compares across backends; {@link #predict} derives its answers from these.
   */
  float[][] outputs(Batch batch);

  /**
   * Named intermediate tensors of the forward pass in inference mode, flattened row-major, for
   * comparing a model with a reference implementation (the authors' code): e.g. {@code
   * encoding_axial}, {@code transformer_axial}, {@code loss}. Uses the batch's fixed draws where it
   * has them. Empty for models that expose none.
   */
  default java.util.Map<String, float[]> probes(Batch batch) {
    return java.util.Map.of();
  }

  /**
   * The input of the task head for each sample, in inference mode: a classify or regress model's
   * embedding of a scan (what a linear probe fits and {@code embed} writes). A model with another
   * head has none.
   */
  default float[][] embeddings(Batch batch) {
    throw new UnsupportedOperationException(spec().id() + " has no embedding on this backend");
  }

  /**
   * The loss on a batch in inference mode, without updating anything (for a pre-training stage's
   * validation; for pretrain batches the masking is drawn from the engine's seeded generator).
   */
  float evaluateLoss(Batch batch);

  /**
   * Numbers the last training step measured besides the loss, e.g. {@code embeddingStd}: the
   * spread of the slice embeddings across tokens in pre-training, which falls to 0 when the
   * encoder collapses.
   */
  default java.util.Map<String, Double> diagnostics() {
    return java.util.Map.of();
  }

  /**
   * Reseeds the backend's random generator (dropout, masking). The training loop calls it at the
   * start of every epoch, so an epoch draws the same numbers whether or not the run was resumed.
   */
  default void reseed(long seed) {}

  /**
   * The optimiser's state besides the weights (moments, step counts) as named tensors, for
   * resuming a cell mid-training; empty for a backend without state to save.
   */
  default List<Tensor> exportTrainingState() {
    return List.of();
  }

  /** Restores what {@link #exportTrainingState} exported, by parameter name. */
  default void importTrainingState(List<Tensor> state) {
    if (!state.isEmpty()) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot restore optimiser state");
    }
  }

  /** Every parameter (and normalisation statistic) as named float32 tensors. */
  List<Tensor> exportWeights();

  /**
   * Sets weights by name. Every tensor must match a parameter's name and shape; missing or extra
   * names and shape mismatches fail with a message listing all of them.
   */
  default void importWeights(List<Tensor> weights) {
    importWeights(weights, true);
  }

  /**
   * Sets the weights whose names the model has. Shape mismatches always fail (listing all of
   * them); with {@code strict}, so do missing and unexpected names. Returns what was loaded.
   */
  ImportReport importWeights(List<Tensor> weights, boolean strict);

  /** Saves everything needed to continue (weights and normalisation statistics) to a folder. */
  void save(Path folder) throws IOException;

  /** Loads what {@link #save} wrote. */
  void load(Path folder) throws IOException;

  @Override
  void close();
}
