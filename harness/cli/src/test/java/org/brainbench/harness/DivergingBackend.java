package org.brainbench.harness;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.BackendInfo;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.backend.ParameterInfo;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;

/** A test backend whose loss is NaN from the second step: a cell that diverges. */
public final class DivergingBackend implements Backend {
  @Override
  public String id() {
    return "diverging";
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo("diverging", "test backend", "0", "none", "cpu", 1);
  }

  @Override
  public Set<String> supportedModels() {
    return Set.of("cnn3d");
  }

  @Override
  public Model newModel(ModelSpec spec, TaskHead head, TrainingConfig training, long seed) {
    return new Model() {
      int steps;

      @Override
      public ModelSpec spec() {
        return spec;
      }

      @Override
      public TaskHead head() {
        return head;
      }

      @Override
      public List<ParameterInfo> parameters() {
        return List.of(new ParameterInfo("w", new long[] {1}, true));
      }

      @Override
      public void setFrozen(Predicate<String> frozen) {}

      @Override
      public float trainStep(Batch batch, float learningRate) {
        return ++steps > 1 ? Float.NaN : 1f;
      }

      @Override
      public float[][] predict(Batch batch) {
        throw new UnsupportedOperationException();
      }

      @Override
      public float[][] outputs(Batch batch) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<Tensor> exportWeights() {
        return List.of();
      }

      @Override
      public float evaluateLoss(Batch batch) {
        return Float.NaN;
      }

      @Override
      public org.brainbench.api.backend.ImportReport importWeights(List<Tensor> weights, boolean strict) {
        return new org.brainbench.api.backend.ImportReport(List.of(), List.of(), List.of());
      }

      @Override
      public void save(Path folder) {}

      @Override
      public void load(Path folder) {}

      @Override
      public void close() {}
    };
  }
}
