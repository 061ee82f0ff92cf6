package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A classify or regress block that can give the input of its task head: the embedding a linear
 * probe fits and {@code embed} writes, (B, F), in inference mode.
 */
interface Embeds {
  NDArray embedding(ParameterStore ps, NDArray x);
}
