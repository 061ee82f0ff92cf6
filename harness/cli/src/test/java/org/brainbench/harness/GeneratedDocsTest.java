package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainbench.harness.suite.SuiteReference;
import org.junit.jupiter.api.Test;

/**
 * The suite reference's generated sections say what the code defines: a new model parameter or
 * metric fails this test until the docs are refreshed with {@code bin/brainbench describe models
 * --markdown} (or {@code metrics}) between the markers.
 */
class GeneratedDocsTest {
  private static final Path DOCS = Path.of("../../docs");

  @Test
  void modelParametersInTheSuiteReferenceAreTheSpecs() throws IOException {
    assertThat(section(DOCS.resolve("suites.md"), "models")).as("docs/suites.md: refresh with `bin/brainbench describe models --markdown`")
        .isEqualTo(SuiteReference.models());
  }

  @Test
  void metricsTableIsTheRegistry() throws IOException {
    assertThat(section(DOCS.resolve("metrics.md"), "metrics")).as("docs/metrics.md: refresh with `bin/brainbench describe metrics --markdown`")
        .isEqualTo(SuiteReference.metrics());
  }

  /** The text between {@code <!-- BEGIN generated: NAME -->} and {@code <!-- END generated: NAME -->} lines. */
  static String section(Path file, String name) throws IOException {
    String text = Files.readString(file);
    String begin = "<!-- BEGIN generated: " + name + " -->\n";
    String end = "<!-- END generated: " + name + " -->";
    int a = text.indexOf(begin);
    int b = text.indexOf(end);
    assertThat(a).as(file + " has the " + name + " markers").isNotNegative();
    assertThat(b).isGreaterThan(a);
    return text.substring(a + begin.length(), b);
  }
}
