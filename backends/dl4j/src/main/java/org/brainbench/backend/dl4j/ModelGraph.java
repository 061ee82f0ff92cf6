package org.brainbench.backend.dl4j;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;

/** A model's forward function, built once per branch (training, inference) into a {@link NamedGraph}. */
public interface ModelGraph {
  /**
   * The raw outputs for an input N x C x D x H x W: logits N x K (classify), N x 1 (regress), or
   * voxel logits N x K x D x H x W (segment).
   */
  SDVariable forward(Layers layers, SDVariable input);

  /** Self-supervised pre-training, for models that have an objective of their own. */
  default Pretraining pretrain(Layers layers, SDVariable input, SDVariable mask) {
    throw new UnsupportedOperationException("no pre-training objective");
  }

  /** Tokens per sample that the pre-training mask covers. */
  default long maskedTokens() {
    throw new UnsupportedOperationException("no pre-training objective");
  }

  /**
   * The token mask of a pre-training batch, batch x {@link #maskedTokens} values of 0 and 1, or null
   * for the default: each token hidden with probability {@link #maskRatio}.
   */
  default float[] tokenMask(int batchSize, java.util.SplittableRandom random, org.brainbench.api.backend.Batch.Draws draws) {
    return null;
  }

  /** Values of further placeholders of a pre-training batch (an objective's draws), by placeholder name. */
  default Map<String, org.nd4j.linalg.api.ndarray.INDArray> pretrainFeeds(org.brainbench.api.backend.Batch batch, java.util.SplittableRandom random) {
    return Map.of();
  }

  /** Whether a parameter never trains (the encoder an objective keeps frozen). */
  default boolean frozenByObjective(String parameter) {
    return false;
  }

  /** The share of tokens the pre-training mask hides. */
  default double maskRatio() {
    return 0;
  }

  /** Pairs (momentum copy buffer, online parameter or buffer) updated as target = m target + (1 - m) online after each step. */
  default Map<String, String> momentumPairs(NamedGraph graph) {
    return Map.of();
  }

  default double momentum() {
    return 0;
  }

  /**
   * What a pre-training branch computes.
   *
   * @param loss the objective (scalar)
   * @param prediction the model's predictions for the tokens (its inference output)
   * @param embeddingStd the spread of the embeddings across tokens (diagnostic), or null
   */
  record Pretraining(SDVariable loss, SDVariable prediction, SDVariable embeddingStd) {}
}
