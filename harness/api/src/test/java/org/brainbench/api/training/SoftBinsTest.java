package org.brainbench.api.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;

/** SFCN's soft age labels are the authors' num2vect, to float32: at the range's edges, inside it, outside it and hard (sigma 0). */
class SoftBinsTest {
  static final Path FIXTURE = Path.of("../../tools/authors-reference/fixtures/sfcn-brainage");

  @Test
  void labelsAndCentresAreTheAuthors() throws IOException {
    Map<String, Tensor> in = Safetensors.read(FIXTURE.resolve("inputs.safetensors")).byName();
    Map<String, Tensor> out = Safetensors.read(FIXTURE.resolve("outputs.safetensors")).byName();
    SoftBins bins = SoftBins.over(42, 82, 1, 1);
    assertThat(bins.count()).isEqualTo(40);
    assertThat(bins.centres()).containsExactly(out.get("bin_centers").data(), within(0f));
    // the fixture's labels come from the ages as decimals (71.3), the tensor holds them as float32
    // (71.30000305): 3e-6 years apart, which moves a label by at most 1e-6
    assertThat(bins.labels(in.get("ages").data())).containsExactly(out.get("soft_labels").data(), within(1e-6f));
    float[] extra = in.get("extra_ages").data();
    assertThat(bins.labels(extra)).as("40, 42, 42.3, ..., 82 and 90: not renormalised").containsExactly(out.get("extra_soft_labels").data(), within(1e-6f));
    SoftBins hard = SoftBins.over(42, 82, 1, 0);
    float[] hardLabels = out.get("extra_hard_labels").data();
    for (int i = 0; i < extra.length; i++) {
      float[] y = hard.labels(extra[i]);
      int k = (int) hardLabels[i];
      for (int j = 0; j < y.length; j++) {
        assertThat(y[j]).as("age %s bin %d", extra[i], j).isEqualTo(j == k ? 1f : 0f);
      }
    }
  }

  @Test
  void aRangeMustBeWholeBins() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SoftBins.over(42, 81.5, 1, 1)).hasMessageContaining("whole number");
  }
}
