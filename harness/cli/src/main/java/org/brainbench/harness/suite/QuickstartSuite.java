package org.brainbench.harness.suite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;

/**
 * The quickstart suite as the jar carries it ({@code suites/quickstart.yaml}, copied at build time):
 * {@code parity} and the benchmarks take their model configurations from it, so they check and time
 * exactly what the quickstart runs. {@code parity} checks every model of it; the benchmarks and
 * tools/torch-reference time and rebuild brainbench's own variants (the authors' releases have
 * their references in tools/authors-reference).
 */
public final class QuickstartSuite {
  private static final String RESOURCE = "quickstart.yaml";

  private QuickstartSuite() {}

  /** Every model of the quickstart by its name in the suite, in suite order. */
  public static Map<String, ModelSpec> models() {
    Map<String, ModelSpec> out = new LinkedHashMap<>();
    read().models().forEach(m -> out.put(m.name(), m.spec()));
    return out;
  }

  /** The specs of brainbench's own variants among the quickstart's models, in suite order. */
  public static List<ModelSpec> brainbenchVariants() {
    List<ModelSpec> out = new ArrayList<>();
    models().values().stream().filter(s -> !ModelCatalog.of(s.getClass()).authorsRelease()).forEach(out::add);
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
