package org.brainbench.harness.suite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.ModelSpec;

/**
 * The quickstart suite as the jar carries it ({@code suites/quickstart.yaml}, copied at build time):
 * {@code parity} and the benchmarks take their model configurations from it, so they check and time
 * exactly what the quickstart runs.
 */
public final class QuickstartSuite {
  private static final String RESOURCE = "quickstart.yaml";

  private QuickstartSuite() {}

  /** The spec of every model of the quickstart, in suite order. */
  public static List<ModelSpec> modelSpecs() {
    List<ModelSpec> out = new ArrayList<>();
    read().models().forEach(m -> out.add(m.spec()));
    return out;
  }

  public static Suite read() {
    try (InputStream in = QuickstartSuite.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not in the jar (harness/cli/pom.xml copies it from suites/)");
      }
      Path dir = Files.createTempDirectory("brainbench-quickstart");
      Path file = dir.resolve(RESOURCE);
      try {
        Files.copy(in, file);
        return SuiteReader.read(file);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
