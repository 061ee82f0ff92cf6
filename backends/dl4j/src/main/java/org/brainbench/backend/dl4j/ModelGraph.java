package org.brainbench.backend.dl4j;

import org.nd4j.autodiff.samediff.SDVariable;

/** A model's forward function, built once per branch (training, inference) into a {@link NamedGraph}. */
interface ModelGraph {
  /**
   * The raw outputs for an input N x C x D x H x W: logits N x K (classify), N x 1 (regress), or
   * voxel logits N x K x D x H x W (segment).
   */
  SDVariable forward(Layers layers, SDVariable input);
}
