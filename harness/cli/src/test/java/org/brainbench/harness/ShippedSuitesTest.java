package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every suite the project ships is valid, and the authors' protocol suite has the authors' parameter counts. */
class ShippedSuitesTest {
  static Stream<Path> suites() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../../suites"))) {
      List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      return yaml.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("suites")
  void isValid(Path suite) {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", suite.toString());
    assertThat(r.exit()).as(r.err()).isZero();
  }

  /**
   * Counted from the authors' classes at their defaults (tools/authors-reference): encoder 706,384,
   * Transformer 282,432, stage-2 model 988,816; stage 1 holds three encoders. SFCN at 160x192x160
   * with 40 age bins: 2,952,936; the slice-set network's UK Biobank model at 91x109x91: 1,001,889;
   * TransSeg at 240x240 slices, 4 classes and one channel: BraTS' 164,051,908 less the patch
   * kernel's three other channels (3 x 5 x 16 x 16 x 768).
   */
  @Test
  void thePaperSuiteHasTheAuthorsParameterCounts() {
    BrokenSuitesTest.Result r = BrokenSuitesTest.cli("validate", "../../suites/paper.yaml", "--params");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("mt-triplet +mt +stage +2,119,152 +2,119,152 +triplet")
        .containsPattern("mt-mevp +mt +stage +988,816 +282,432 +masked-encoding, from mt-triplet")
        .containsPattern("brain-age-sfcn +sfcn +full +2,952,936 ").containsPattern("brain-age-slice-set +slice-set +full +1,001,889 ")
        .containsPattern("tumour +transseg +full +161,102,788 ");
  }
}
