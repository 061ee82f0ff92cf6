package org.brainbench.backend.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.brainbench.api.backend.Backend;
import org.brainbench.tck.BackendContract;
import org.junit.jupiter.api.Test;

/** The backend contract on Deeplearning4j, plus the ND4J build it reports. */
class Dl4jContractTest extends BackendContract {
  @Override
  protected Backend backend() {
    return new Dl4jBackend();
  }

  @Test
  void reportsTheNd4jBuildItRunsOn() {
    var info = backend().info();
    assertThat(info.version()).isEqualTo("1.0.0-M2.1");
    assertThat(info.nativeVersion()).startsWith("ND4J");
    assertThat(info.device()).isEqualTo("cpu");
  }
}
