package org.brainbench.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.backend.ParameterInfo;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.parity.ParityCase;

/**
 * Writes what the PyTorch reference ({@code tools/torch-reference}) needs to prove it builds the same
 * function as brainbench: for every (model, task) of brainbench's own variants in the quickstart,
 * at one size, a model trained two steps on a backend (so batch-norm statistics are not their
 * initial values), its weights under the neutral names, a batch and the model's inference outputs
 * on it.
 *
 * <p>Usage: {@code ReferenceFixtures OUT_DIR [SIZE [BACKEND]]} (defaults 32, djl). Writes
 * {@code OUT_DIR/<model>__<task>/{weights,batch}.safetensors} and {@code case.json}.
 */
public final class ReferenceFixtures {
  private static final int BATCH = 2;
  private static final long SEED = 7;

  private ReferenceFixtures() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: ReferenceFixtures OUT_DIR [SIZE [BACKEND]]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    Backend backend = Backends.find(args.length > 2 ? args[2] : "djl");
    for (ParityCase c : ParityCase.of(org.brainbench.harness.suite.QuickstartSuite.brainbenchVariants(), size)) {
      Path dir = out.resolve(c.name().replace('/', '_').replace("_", "__"));
      write(backend, c, dir);
      System.out.println("wrote " + dir);
    }
  }

  static void write(Backend backend, ParityCase c, Path dir) throws IOException {
    Files.createDirectories(dir);
    TrainingConfig training = TrainingConfig.defaults();
    try (Model model = backend.newModel(c.spec(), c.head(), training, SEED)) {
      Batch train = Parity.batch(c.head(), BATCH, SEED, true);
      for (int i = 0; i < 2; i++) {
        model.trainStep(train, (float) training.learningRate());
      }
      Batch probe = Parity.batch(c.head(), BATCH, SEED + 1, false);
      float[][] outputs = model.outputs(probe);
      int perSample = outputs[0].length;
      float[] flat = new float[BATCH * perSample];
      for (int i = 0; i < BATCH; i++) {
        System.arraycopy(outputs[i], 0, flat, i * perSample, perSample);
      }
      int[] shape = c.head().inputShape();
      List<Tensor> batch = new ArrayList<>();
      batch.add(new Tensor("images", new long[] {BATCH, c.head().inputChannels(), shape[0], shape[1], shape[2]}, probe.images()));
      batch.add(new Tensor("outputs", new long[] {BATCH, perSample}, flat));
      Safetensors.write(dir.resolve("batch.safetensors"), batch, Map.of());
      Safetensors.write(dir.resolve("weights.safetensors"), model.exportWeights(), Map.of());

      ObjectMapper json = new ObjectMapper();
      ObjectNode meta = json.createObjectNode();
      meta.put("case", c.name());
      meta.put("model", c.spec().id());
      meta.put("task", c.head().type().id());
      meta.put("spec", c.spec().toString());
      meta.put("inputChannels", c.head().inputChannels());
      meta.set("shape", json.valueToTree(shape));
      meta.put("outputs", c.head().outputs());
      meta.put("backend", backend.id());
      meta.put("threads", model.threads());
      meta.put("specCount", c.spec().parameterCount(c.head()));
      meta.put("trainable", model.parameterCount().trainable());
      ArrayNode parameters = meta.putArray("parameters");
      for (ParameterInfo p : model.parameters()) {
        ObjectNode n = parameters.addObject();
        n.put("name", p.name());
        n.set("shape", json.valueToTree(p.shape()));
        n.put("trainable", p.trainable());
      }
      json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("case.json").toFile(), meta);
    }
  }
}
