package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every convolution the models run computes its definition, forward and backward, on this CPU: in
 * particular the channel counts that do not fill oneDNN's blocks of 16, which some CPUs get wrong
 * (see {@link Convolutions}), with the authors' (k, k, 1) slice kernels and strided layers too. Each
 * case runs through the route the probe chose for this machine and through the padded route.
 */
class ConvolutionsTest {
  private static ConvolutionProbe.Verdict probed;

  @BeforeAll
  static void startEngine() {
    DjlBackend.engine();
    probed = ConvolutionProbe.ensure();
  }

  @AfterAll
  static void restore() {
    ConvolutionProbe.force(probed);
  }

  /** (in, out, size, kernel, stride): the shapes that fail unpadded on an affected CPU, and ordinary ones. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(20, 16, new int[] {6, 6, 6}, new int[] {3, 3, 3}, 1), // forward fault
        Arguments.of(24, 8, new int[] {8, 8, 8}, new int[] {3, 3, 3}, 1), // a U-Net decoder's concatenation
        Arguments.of(16, 20, new int[] {6, 6, 6}, new int[] {3, 3, 3}, 1), // input-gradient fault (output channels)
        Arguments.of(8, 8, new int[] {6, 6, 6}, new int[] {3, 3, 3}, 1), // input-gradient fault (input channels)
        Arguments.of(4, 4, new int[] {12, 12, 24}, new int[] {3, 3, 1}, 1), // the authors' slice encoder, width 4
        Arguments.of(4, 8, new int[] {6, 6, 24}, new int[] {3, 3, 1}, 2),
        Arguments.of(8, 8, new int[] {3, 3, 24}, new int[] {3, 3, 1}, 1),
        Arguments.of(16, 32, new int[] {4, 4, 4}, new int[] {3, 3, 3}, 2), // whole blocks
        Arguments.of(2, 8, new int[] {8, 8, 8}, new int[] {1, 1, 1}, 1));
  }

  @ParameterizedTest(name = "{0} -> {1} channels, kernel {3}, stride {4}")
  @MethodSource("cases")
  void theRouteThisMachineTakesComputesTheDefinition(int in, int out, int[] size, int[] kernel, int stride) {
    ConvolutionProbe.force(probed);
    assertExact(in, out, size, kernel, stride);
  }

  @ParameterizedTest(name = "{0} -> {1} channels, kernel {3}, stride {4}")
  @MethodSource("cases")
  void thePaddedRouteComputesTheDefinition(int in, int out, int[] size, int[] kernel, int stride) {
    ConvolutionProbe.force(ConvolutionProbe.Verdict.PADDED);
    assertExact(in, out, size, kernel, stride);
  }

  private static void assertExact(int in, int out, int[] size, int[] kernel, int stride) {
    int[] padding = {kernel[0] / 2, kernel[1] / 2, kernel[2] / 2};
    DirectConvolution conv = new DirectConvolution(2, in, out, size, kernel, new int[] {stride, stride, kernel[2] == 1 ? 1 : stride}, padding);
    double[] errors = ConvolutionProbe.errors(conv, new SplittableRandom(in * 100L + out));
    assertThat(errors[0]).as("output").isLessThan(1e-4);
    assertThat(errors[1]).as("input gradient").isLessThan(1e-4);
    assertThat(errors[2]).as("weight gradient").isLessThan(5e-3); // sums of up to 14k products
  }
}
