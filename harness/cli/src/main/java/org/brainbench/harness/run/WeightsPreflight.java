package org.brainbench.harness.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.api.weights.WeightsFile;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.ModelEntry;
import org.brainbench.harness.suite.Suite;

/**
 * Checks, before anything runs, every weights file a suite's models name ({@code weights},
 * {@code imagenetWeights}): it must be readable safetensors, and once converted to the model's
 * names (as a cell would load it) every tensor must have a place of the right shape, and every
 * parameter the file is meant to cover must be there. All mismatches are listed, each file once.
 */
public final class WeightsPreflight {
  private WeightsPreflight() {}

  /** The problems, each {@code models[i].params: <file>: ...}; empty when every file fits. */
  public static List<String> problems(Suite suite, List<Cell> cells) {
    List<String> out = new ArrayList<>();
    Backend backend = Backends.find(suite.backends().get(0));
    for (int i = 0; i < suite.models().size(); i++) {
      ModelEntry m = suite.models().get(i);
      WeightsFile file = m.spec().weightsFile();
      Cell cell = cells.stream().filter(c -> c.model().name().equals(m.name())).findFirst().orElse(null);
      if (file == null || cell == null || backend == null) {
        continue;
      }
      String where = "models[" + i + "].params (" + m.name() + "): " + file.path();
      Path path = Path.of(file.path());
      if (!Files.isRegularFile(path)) {
        out.add(where + ": no such file");
        continue;
      }
      TaskHead head = CellMatrix.head(cell.task(), m, 1);
      try (Model model = backend.newModel(m.spec(), head, TrainingConfig.defaults(), 0)) {
        List<Tensor> tensors = m.spec().convertWeights(Safetensors.read(path).tensors(), head, 1);
        List<String> mismatches = mismatches(m.spec(), model, tensors);
        if (!mismatches.isEmpty()) {
          out.add(where + ": " + mismatches.size() + " mismatch(es) with " + m.spec().id() + ": " + String.join("; ", mismatches));
        }
      } catch (IOException | RuntimeException e) {
        out.add(where + ": not a safetensors file this model can read (" + e.getMessage() + ")");
      }
    }
    return out;
  }

  /** Unexpected names, wrong shapes and covered parameters the file lacks, after the loader's own adaptations. */
  static List<String> mismatches(ModelSpec spec, Model model, List<Tensor> tensors) {
    tensors = Initialisation.resizeSlicePositions(Initialisation.adaptInputChannels(tensors, model, new ArrayList<>()), model, new ArrayList<>());
    Map<String, long[]> shapes = new LinkedHashMap<>();
    model.exportWeights().forEach(t -> shapes.put(t.name(), t.shape()));
    List<String> out = new ArrayList<>();
    java.util.Set<String> given = new java.util.HashSet<>();
    for (Tensor t : tensors) {
      given.add(t.name());
      long[] want = shapes.get(t.name());
      if (want == null) {
        out.add("unexpected " + t.name());
      } else if (!Arrays.equals(want, t.shape())) {
        out.add(t.name() + " has shape " + Arrays.toString(t.shape()) + ", the model needs " + Arrays.toString(want));
      }
    }
    for (String name : shapes.keySet()) {
      if (spec.weightsCover(name) && !given.contains(name)) {
        out.add("missing " + name);
      }
    }
    return out;
  }
}
