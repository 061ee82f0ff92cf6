package org.brainbench.harness.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.brainbench.api.backend.ImportReport;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.InflatedVitSpec;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.SliceCnnSpec;
import org.brainbench.api.weights.Inflation;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.api.weights.TorchvisionResnet;
import org.brainbench.cli.Json;
import org.brainbench.harness.suite.ModelEntry;

/**
 * Where a model's starting weights come from: a pre-training stage's checkpoint (loaded by name;
 * for the inflated ViT, inflated from the stage's 2D ViT), a 2D ViT file with timm names to
 * inflate, or an ImageNet ResNet-18 file with torchvision names. Returns what was done, for the
 * result row; a file that does not fit fails with every mismatch listed.
 */
final class Initialisation {
  private Initialisation() {}

  static ObjectNode apply(Model model, ModelEntry entry, Path stageWeights, int channels) {
    ObjectNode info = Json.mapper().createObjectNode();
    ModelSpec spec = model.spec();
    List<Tensor> weights = null;
    String from = "scratch";
    try {
      if (stageWeights != null) {
        from = "pretrained:" + entry.initStage();
        weights = Safetensors.read(stageWeights).tensors();
        if (spec instanceof InflatedVitSpec vit) {
          weights = Inflation.inflate(weights, vit, model.head());
        }
      } else if (spec instanceof InflatedVitSpec vit && !vit.weights().isEmpty()) {
        from = "timm:" + vit.weights();
        weights = Inflation.inflate(Safetensors.read(file(vit.weights())).tensors(), vit, model.head());
      } else if (spec instanceof SliceCnnSpec slice && !slice.imagenetWeights().isEmpty()) {
        from = "torchvision:" + slice.imagenetWeights();
        weights = TorchvisionResnet.toEncoder(Safetensors.read(file(slice.imagenetWeights())).tensors(), channels, "encoder");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    info.put("from", from);
    if (weights != null) {
      weights = adaptInputChannels(weights, model, info);
      weights = resizeSlicePositions(weights, model, info);
      ImportReport report = model.importWeights(weights, false);
      if (report.loaded().isEmpty()) {
        throw new IllegalArgumentException(from + ": no tensor matched the model's parameters; the file has "
            + weights.stream().limit(8).map(Tensor::name).toList());
      }
      info.put("loaded", report.loaded().size());
      info.set("notLoaded", Json.mapper().valueToTree(report.missing().stream().filter(n -> !n.startsWith("target_encoder.")).toList()));
      info.put("ignored", report.unexpected().size());
    }
    info.put("finetune", entry.fineTune().id());
    return info;
  }

  /**
   * A checkpoint pre-trained on other input channels (a T1-only pre-training set, a 2-channel
   * tumour task): a convolution weight [out, cin, k...] whose only mismatch is cin is adapted to
   * the model's channels with timm's rule (summed, repeated, scaled), and the row says so.
   */
  private static List<Tensor> adaptInputChannels(List<Tensor> weights, Model model, ObjectNode info) {
    java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
    model.parameters().forEach(p -> shapes.put(p.name(), p.shape()));
    List<Tensor> out = new java.util.ArrayList<>();
    List<String> adapted = new java.util.ArrayList<>();
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
    if (!adapted.isEmpty()) {
      info.set("adaptedChannels", Json.mapper().valueToTree(adapted));
    }
    return out;
  }

  /**
   * Slice-position tables ({@code pos_embed.<view>}, [S, E]) pre-trained on another number of
   * slices are resampled linearly (half-slice centres) to the model's count.
   */
  private static List<Tensor> resizeSlicePositions(List<Tensor> weights, Model model, ObjectNode info) {
    java.util.Map<String, long[]> shapes = new java.util.HashMap<>();
    model.parameters().forEach(p -> shapes.put(p.name(), p.shape()));
    List<Tensor> out = new java.util.ArrayList<>();
    List<String> resized = new java.util.ArrayList<>();
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
    if (!resized.isEmpty()) {
      info.set("resizedPositions", Json.mapper().valueToTree(resized));
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
