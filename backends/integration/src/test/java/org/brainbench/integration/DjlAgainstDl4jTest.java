package org.brainbench.integration;

import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.tck.CrossBackendContract;

/** DJL (the reference) and Deeplearning4j compute the same models: the cross-backend contract. */
class DjlAgainstDl4jTest extends CrossBackendContract {
  @Override
  protected Backend reference() {
    return Backends.find("djl");
  }

  @Override
  protected Backend other() {
    return Backends.find("dl4j");
  }
}
