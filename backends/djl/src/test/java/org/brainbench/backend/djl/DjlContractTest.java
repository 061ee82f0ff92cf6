package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;

import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Model;
import org.brainbench.tck.BackendContract;
import org.junit.jupiter.api.Test;

/** The backend contract on DJL, plus what only DJL reports: its versions, and the arrays a model's manager holds. */
class DjlContractTest extends BackendContract {
  @Override
  protected Backend backend() {
    return new DjlBackend();
  }

  @Override
  protected long liveNativeObjects(Model model) {
    return ((DjlModel) model).liveArrays();
  }

  @Test
  void reportsTheEngineItRunsOn() {
    var info = backend().info();
    assertThat(info.version()).startsWith("0.35");
    assertThat(info.nativeVersion()).contains("2.7.1");
    assertThat(info.threads()).as("Surefire pins one intra-op thread").isEqualTo(1);
  }
}
