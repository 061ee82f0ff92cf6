package org.brainbench.backend.djl;

import ai.djl.nn.Parameter;
import java.util.List;

/** A block with a momentum (EMA) copy of some of its weights, updated after every training step. */
interface EmaModel {
  /** Pairs of (online parameter or buffer, its momentum copy). */
  List<Parameter[]> emaPairs();

  double emaMomentum();
}
