package org.brainbench.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;

/**
 * One case of {@code tools/authors-reference/fixtures/}: weights under an authors' state-dict names,
 * inputs and the outputs their code computes (made by the PyTorch references there, which were
 * checked against the authors' own classes). Surefire passes the folder as {@code brainbench.fixtures}.
 */
public record AuthorsFixture(String name, JsonNode config, List<Tensor> weights, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path folder() {
    String p = System.getProperty("brainbench.fixtures");
    if (p == null) {
      throw new IllegalStateException("brainbench.fixtures is not set (the root pom's Surefire configuration sets it)");
    }
    return Path.of(p);
  }

  /** The case names beginning with {@code prefix}, sorted. */
  public static Stream<String> cases(String prefix) {
    try (Stream<Path> dirs = Files.list(folder())) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static AuthorsFixture load(String name) {
    Path dir = folder().resolve(name);
    try {
      return new AuthorsFixture(name, JSON.readTree(dir.resolve("case.json").toFile()), Safetensors.read(dir.resolve("weights.safetensors")).tensors(),
          Safetensors.read(dir.resolve("inputs.safetensors")).byName(), Safetensors.read(dir.resolve("outputs.safetensors")).byName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Tensor output(String key) {
    Tensor t = outputs.get(key);
    if (t == null) {
      throw new AssertionError(name + ": no output " + key + "; it has " + outputs.keySet());
    }
    return t;
  }

  /**
   * A volume in the authors' [B, D0, D1, D2] = (x, y, z) order as brainbench's [B, 1, D, H, W] =
   * (z, y, x).
   */
  public static float[] toBrainbench(Tensor volume) {
    long[] s = volume.shape();
    int b = (int) s[0];
    int nx = (int) s[1];
    int ny = (int) s[2];
    int nz = (int) s[3];
    float[] in = volume.data();
    float[] out = new float[in.length];
    for (int n = 0; n < b; n++) {
      for (int x = 0; x < nx; x++) {
        for (int y = 0; y < ny; y++) {
          for (int z = 0; z < nz; z++) {
            out[((n * nz + z) * ny + y) * nx + x] = in[((n * nx + x) * ny + y) * nz + z];
          }
        }
      }
    }
    return out;
  }

  /** brainbench's [D, H, W] grid of a volume in the authors' [B, D0, D1, D2]. */
  public static int[] grid(Tensor volume) {
    long[] s = volume.shape();
    return new int[] {(int) s[3], (int) s[2], (int) s[1]};
  }
}
