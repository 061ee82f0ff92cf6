package org.brainbench.backend.djl;

import org.brainbench.api.backend.Batch;

/**
 * A block whose pre-training objective draws at random (masked slices, intensity curves) and can
 * take fixed draws instead: {@link DjlModel} hands it the batch's before each forward pass.
 */
interface TakesDraws {
  /** The next forward passes use these (null or empty: draw from the engine's generator). */
  void draws(Batch.Draws draws);
}
