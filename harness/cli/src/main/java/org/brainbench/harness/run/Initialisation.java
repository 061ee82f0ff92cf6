package org.brainbench.harness.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.backend.ImportReport;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.weights.Inflation;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.api.weights.WeightsFile;
import org.brainbench.harness.result.InitReport;
import org.brainbench.harness.suite.ModelEntry;

/**
 * Where a model's starting weights come from: a pre-training stage's checkpoint, or a file the
 * model's own parameters name (a 2D ViT with timm names, an ImageNet ResNet-18 with torchvision
 * names), each converted by the spec ({@link ModelSpec#fromStage}, {@link ModelSpec#convertWeights})
 * and loaded by name. Returns what was done, for the result row; a file that does not fit fails with
 * every mismatch listed.
 */
final class Initialisation {
  private Initialisation() {}

  static InitReport apply(Model model, ModelEntry entry, Path stageWeights, int channels) {
    ModelSpec spec = model.spec();
    List<Tensor> weights = null;
    String from = "scratch";
    WeightsFile file = spec.weightsFile();
    try {
      if (stageWeights != null) {
        from = "pretrained:" + entry.initStage();
        weights = spec.fromStage(Safetensors.read(stageWeights).tensors(), model.head());
      } else if (file != null) {
        from = file.toString();
        weights = spec.convertWeights(Safetensors.read(file(file.path())).tensors(), model.head(), channels);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (weights == null) {
      return InitReport.scratch(entry.fineTune().id());
    }
    List<String> adapted = new ArrayList<>();
    List<String> resized = new ArrayList<>();
    weights = adaptInputChannels(weights, model, adapted);
    weights = resizeSlicePositions(weights, model, resized);
    ImportReport report = model.importWeights(weights, false);
    if (report.loaded().isEmpty()) {
      throw new IllegalArgumentException(from + ": no tensor matched the model's parameters; the file has "
          + weights.stream().limit(8).map(Tensor::name).toList());
    }
    return new InitReport(from, adapted, resized, report.loaded().size(),
        report.missing().stream().filter(n -> !n.startsWith("target_encoder.")).toList(), report.unexpected().size(), entry.fineTune().id());
  }

  /**
   * A checkpoint pre-trained on other input channels (a T1-only pre-training set, a 2-channel
   * tumour task): a convolution weight [out, cin, k...] whose only mismatch is cin is adapted to
   * the model's channels with timm's rule (summed, repeated, scaled), and the row says so.
   */
  static List<Tensor> adaptInputChannels(List<Tensor> weights, Model model, List<String> adapted) {
    java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
    model.parameters().forEach(p -> shapes.put(p.name(), p.shape()));
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : weights) {
      long[] want = shapes.get(t.name());
      long[] have = t.shape();
      if (want != null && want.length >= 3 && want.length == have.length && want[0] == have[0] && want[1] != have[1]
          && java.util.Arrays.equals(java.util.Arrays.copyOfRange(want, 2, want.length), java.util.Arrays.copyOfRange(have, 2, have.length))) {
        int taps = (int) (t.size() / (have[0] * have[1]));
        float[] w = Inflation.adaptChannels(t.data(), (int) have[0], (int) have[1], (int) want[1], taps);
        out.add(new Tensor(t.name(), want, w));
        adapted.add(t.name() + " " + have[1] + "->" + want[1] + " channels");
      } else {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Slice-position tables ({@code pos_embed.<view>}, [S, E]) pre-trained on another number of
   * slices are resampled linearly (half-slice centres) to the model's count.
   */
  static List<Tensor> resizeSlicePositions(List<Tensor> weights, Model model, List<String> resized) {
    java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
    model.parameters().forEach(p -> shapes.put(p.name(), p.shape()));
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : weights) {
      long[] want = shapes.get(t.name());
      if (t.name().startsWith("pos_embed.") && want != null && want.length == 2 && t.shape().length == 2
          && want[1] == t.shape()[1] && want[0] != t.shape()[0]) {
        out.add(new Tensor(t.name(), want, resample(t.data(), (int) t.shape()[0], (int) want[0], (int) want[1])));
        resized.add(t.name() + " " + t.shape()[0] + "->" + want[0] + " slices");
      } else {
        out.add(t);
      }
    }
    return out;
  }

  static float[] resample(float[] table, int from, int to, int width) {
    float[] out = new float[to * width];
    for (int i = 0; i < to; i++) {
      double x = Math.min(Math.max((i + 0.5) * from / to - 0.5, 0), from - 1);
      int a = (int) Math.floor(x);
      int b = Math.min(a + 1, from - 1);
      double f = x - a;
      for (int k = 0; k < width; k++) {
        out[i * width + k] = (float) ((1 - f) * table[a * width + k] + f * table[b * width + k]);
      }
    }
    return out;
  }

  private static Path file(String path) throws IOException {
    Path p = Path.of(path);
    if (!Files.isRegularFile(p)) {
      throw new IOException(p + ": weights file not found");
    }
    return p;
  }
}
