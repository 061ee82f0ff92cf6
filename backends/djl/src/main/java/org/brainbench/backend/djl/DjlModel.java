package org.brainbench.backend.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.ImportReport;
import org.brainbench.api.backend.NativeHeap;
import org.brainbench.api.backend.ParameterInfo;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.OptimizerKind;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;

/**
 * A brainbench model on DJL. The harness calls {@link #trainStep} per batch with the scheduled
 * learning rate; this class runs forward, loss, backward, global-norm gradient clipping and the
 * optimiser update. Every step's arrays live in a sub-manager closed after the step, so memory
 * does not grow across steps.
 */
final class DjlModel implements org.brainbench.api.backend.Model {
  static final String WEIGHTS_FILE = "weights.safetensors";

  private final ModelSpec spec;
  private final TaskHead head;
  private final TrainingConfig training;
  private final Model model;
  private final Trainer trainer;
  private final NamedParameters names;
  private final float[] learningRate = {0f};
  private final Map<String, Double> diagnostics = new LinkedHashMap<>();
  private final int threads;
  private final Optimizer optimizer;
  /** Regression as soft classification over these bins (SFCN), or null. */
  private final org.brainbench.api.training.SoftBins bins;

  DjlModel(ModelSpec spec, TaskHead head, TrainingConfig training, Block block, NamedParameters names) {
    this.spec = spec;
    this.head = head;
    this.training = training;
    this.names = names;
    this.bins = head.type() == TaskType.REGRESS ? spec.regressionBins() : null;
    // attention models: one intra-op thread, the setting measured to be reproducible (see ModelSpec)
    this.threads = spec.hasAttention() ? 1 : DjlBackend.threads();
    pinThreads();
    this.model = Model.newInstance(spec.id());
    model.setBlock(block);
    names.applyInitializers(block);
    this.optimizer = optimizer(training);
    DefaultTrainingConfig config = new DefaultTrainingConfig(new TaskLoss(head, training.regressionLoss(), bins, spec.segmentationLoss()))
        .optOptimizer(optimizer);
    trainer = model.newTrainer(config);
    int[] s = head.inputShape();
    trainer.initialize(new Shape(1, head.inputChannels(), s[0], s[1], s[2]));
  }

  private Optimizer optimizer(TrainingConfig t) {
    // the harness sets the learning rate before every step; the tracker hands it to the optimiser
    ai.djl.training.tracker.ParameterTracker lr = (parameterId, numUpdate) -> learningRate[0];
    if (t.optimizer() == OptimizerKind.SGD) {
      return Optimizer.sgd().setLearningRateTracker(lr).optMomentum((float) t.momentum()).optWeightDecays((float) t.weightDecay()).build();
    }
    if (t.optimizer() == OptimizerKind.ADAM) {
      // DJL's Adam adds the decay to the gradient (libtorch's adam update with adamw off): PyTorch's Adam
      return Optimizer.adam().optLearningRateTracker(lr).optWeightDecays((float) t.weightDecay()).build();
    }
    return Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays((float) t.weightDecay()).build();
  }

  /** Sets PyTorch's intra-op threads to this model's (cells of different models share the engine). */
  private void pinThreads() {
    if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != threads) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
  }

  @Override
  public int threads() {
    return threads;
  }

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
    List<ParameterInfo> out = new ArrayList<>();
    names.parameters().forEach((name, p) -> out.add(new ParameterInfo(name, p.getArray().getShape().getShape(), p.requiresGradient())));
    return out;
  }

  @Override
  public void setFrozen(Predicate<String> frozen) {
    names.parameters().forEach((name, p) -> p.freeze(frozen.test(name)));
  }

  @Override
  public float trainStep(Batch batch, float lr) {
    if (!batch.hasTargets() && head.type() != TaskType.PRETRAIN) {
      throw new IllegalArgumentException("training needs targets");
    }
    learningRate[0] = lr;
    pinThreads();
    setDraws(batch);
    try (NDManager step = model.getNDManager().newSubManager()) {
      NDArray x = inputs(step, batch);
      NDList labels = head.type() == TaskType.PRETRAIN ? new NDList() : new NDList(targets(step, batch));
      float loss;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDList out = trainer.forward(new NDList(x));
        NDArray l = trainer.getLoss().evaluate(labels, out);
        loss = l.getFloat();
        recordDiagnostics(out);
        if (!Float.isFinite(loss)) {
          return Float.NaN;
        }
        gc.backward(l);
      }
      clipGradients();
      trainer.step();
      if (model.getBlock() instanceof EmaModel ema) {
        updateEma(ema);
      }
      return loss;
    }
  }

  @Override
  public float evaluateLoss(Batch batch) {
    pinThreads();
    setDraws(batch);
    try (NDManager step = model.getNDManager().newSubManager()) {
      NDArray x = inputs(step, batch);
      NDList labels = head.type() == TaskType.PRETRAIN ? new NDList() : new NDList(targets(step, batch));
      NDList out = trainer.evaluate(new NDList(x));
      return trainer.getLoss().evaluate(labels, out).getFloat();
    }
  }

  @Override
  public Map<String, Double> diagnostics() {
    return Map.copyOf(diagnostics);
  }

  private void recordDiagnostics(NDList out) {
    if (head.type() == TaskType.PRETRAIN && out.size() >= 2) {
      diagnostics.put("embeddingStd", (double) out.get(out.size() - 1).getFloat()); // every objective returns its spread last
    }
  }

  /** Hands a batch's fixed draws to a block that takes them (null: the block draws its own). */
  private void setDraws(Batch batch) {
    if (model.getBlock() instanceof TakesDraws t) {
      t.draws(batch.draws());
    }
  }

  @Override
  public Map<String, float[]> probes(Batch batch) {
    if (!(model.getBlock() instanceof MedicalTransformerJun2021Block block)) {
      return Map.of();
    }
    pinThreads();
    block.draws(batch.draws());
    try (NDManager step = model.getNDManager().newSubManager()) {
      Map<String, float[]> out = new java.util.LinkedHashMap<>();
      block.probes(new ai.djl.training.ParameterStore(step, false), inputs(step, batch)).forEach((k, v) -> out.put(k, v.toFloatArray()));
      return out;
    } finally {
      block.draws(null);
    }
  }

  @Override
  public float[][] embeddings(Batch batch) {
    if (!(model.getBlock() instanceof Embeds block) || (head.type() != TaskType.CLASSIFY && head.type() != TaskType.REGRESS)) {
      throw new UnsupportedOperationException(spec.id() + " " + head + " has no embedding: build it with a classify or regress head");
    }
    pinThreads();
    try (NDManager step = model.getNDManager().newSubManager()) {
      return Batch.perSample(block.embedding(new ai.djl.training.ParameterStore(step, false), inputs(step, batch)).toFloatArray(), batch.size());
    }
  }

  /** target = m * target + (1 - m) * online, for every (online, momentum copy) pair. */
  private static void updateEma(EmaModel ema) {
    float m = (float) ema.emaMomentum();
    for (ai.djl.nn.Parameter[] pair : ema.emaPairs()) {
      NDArray online = pair[0].getArray();
      NDArray target = pair[1].getArray();
      try (NDArray detached = online.stopGradient(); NDArray share = Scalars.constant(detached, 1 - m); NDArray scaled = detached.mul(share)) {
        target.muli(m).addi(scaled);
      }
    }
  }

  /** Scales all gradients so their global L2 norm is at most the configured clip. */
  private void clipGradients() {
    if (training.gradientClip() <= 0) {
      return;
    }
    // getGradient() wraps the parameter's gradient in a new handle each call: close every handle
    List<NDArray> grads = new ArrayList<>();
    try {
      double squares = 0;
      for (Parameter p : names.parameters().values()) {
        if (p.requiresGradient() && p.getArray().hasGradient()) {
          NDArray g = p.getArray().getGradient();
          grads.add(g);
          try (NDArray square = g.square(); NDArray sum = square.sum()) {
            squares += sum.getFloat();
          }
        }
      }
      double norm = Math.sqrt(squares);
      if (norm > training.gradientClip()) {
        float scale = (float) (training.gradientClip() / (norm + 1e-6));
        for (NDArray g : grads) {
          g.muli(scale);
        }
      }
    } finally {
      grads.forEach(NDArray::close);
    }
  }

  @Override
  public float[][] outputs(Batch batch) {
    pinThreads();
    try (NDManager step = model.getNDManager().newSubManager()) {
      NDArray out = trainer.evaluate(new NDList(inputs(step, batch))).head();
      return Batch.perSample((bins != null ? expectation(out) : out).toFloatArray(), batch.size());
    }
  }

  @Override
  public float[][] predict(Batch batch) {
    pinThreads();
    try (NDManager step = model.getNDManager().newSubManager()) {
      NDArray out = trainer.evaluate(new NDList(inputs(step, batch))).singletonOrThrow();
      int n = batch.size();
      float[][] result = new float[n][];
      switch (head.type()) {
        case CLASSIFY -> {
          // one logit of two classes (binaryLogit): [1 - sigmoid, sigmoid]
          NDArray probabilities = out.getShape().get(1) == 1 ? NDArrays.concat(new NDList(out.neg().getNDArrayInternal().sigmoid(), out.getNDArrayInternal().sigmoid()), 1)
              : out.softmax(1);
          float[] p = probabilities.toFloatArray();
          int k = head.outputs();
          for (int i = 0; i < n; i++) {
            result[i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
          }
        }
        case REGRESS -> {
          float[] v = (bins != null ? expectation(out) : out).reshape(-1).toFloatArray();
          for (int i = 0; i < n; i++) {
            result[i] = new float[] {v[i]};
          }
        }
        case SEGMENT -> {
          float[] labels = out.argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
          int voxels = head.voxels();
          for (int i = 0; i < n; i++) {
            result[i] = java.util.Arrays.copyOfRange(labels, i * voxels, (i + 1) * voxels);
          }
        }
        default -> throw new IllegalStateException(head.type().id());
      }
      return result;
    }
  }

  /** Soft-bin regression's prediction: the bin centres' expectation under the softmax of the logits, (B, 1). */
  private NDArray expectation(NDArray logits) {
    NDArray centres = logits.getManager().create(bins.centres(), new Shape(bins.count(), 1));
    return logits.softmax(1).matMul(centres);
  }

  private NDArray inputs(NDManager m, Batch b) {
    int[] s = head.inputShape();
    return m.create(b.images(), new Shape(b.size(), head.inputChannels(), s[0], s[1], s[2]));
  }

  private NDArray targets(NDManager m, Batch b) {
    return switch (head.type()) {
      case CLASSIFY -> m.create(b.classes(), new Shape(b.size()));
      case REGRESS -> bins == null ? m.create(b.values(), new Shape(b.size())) : m.create(bins.labels(b.values()), new Shape(b.size(), bins.count()));
      case SEGMENT -> {
        int[] s = head.inputShape();
        yield m.create(b.voxelClasses(), new Shape(b.size(), s[0], s[1], s[2])).toType(DataType.INT32, false);
      }
      default -> throw new IllegalStateException(head.type().id());
    };
  }

  @Override
  public List<Tensor> exportWeights() {
    List<Tensor> out = new ArrayList<>();
    names.all().forEach((name, p) -> out.add(new Tensor(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray())));
    return out;
  }

  @Override
  public ImportReport importWeights(List<Tensor> weights, boolean strict) {
    Map<String, Parameter> all = names.all();
    Map<String, Tensor> given = new LinkedHashMap<>();
    weights.forEach(t -> given.put(t.name(), t));
    List<String> missing = new ArrayList<>();
    for (String name : all.keySet()) {
      if (!given.containsKey(name)) {
        missing.add(name);
      }
    }
    List<String> unexpected = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> loaded = new ArrayList<>();
    for (Tensor t : weights) {
      Parameter p = all.get(t.name());
      if (p == null) {
        unexpected.add(t.name());
      } else if (!java.util.Arrays.equals(p.getArray().getShape().getShape(), t.shape())) {
        problems.add(t.name() + " has shape " + java.util.Arrays.toString(t.shape()) + ", the model needs "
            + java.util.Arrays.toString(p.getArray().getShape().getShape()));
      } else {
        loaded.add(t.name());
      }
    }
    if (strict) {
      missing.forEach(m -> problems.add("missing " + m));
      unexpected.forEach(u -> problems.add("unexpected " + u));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("weights do not fit " + spec.id() + " " + head + ": " + String.join("; ", problems));
    }
    for (String name : loaded) {
      all.get(name).getArray().set(given.get(name).data());
    }
    return new ImportReport(loaded, missing, unexpected);
  }

  @Override
  public void save(Path folder) throws IOException {
    Files.createDirectories(folder);
    Safetensors.write(folder.resolve(WEIGHTS_FILE), exportWeights(), Map.of("model", spec.id(), "head", head.toString(), "backend", "djl"));
  }

  @Override
  public void load(Path folder) throws IOException {
    importWeights(Safetensors.read(folder.resolve(WEIGHTS_FILE)).tensors());
  }

  @Override
  public void reseed(long seed) {
    DjlBackend.engine().setRandomSeed((int) (seed ^ (seed >>> 32)));
  }

  @Override
  public List<Tensor> exportTrainingState() {
    return OptimizerState.export(optimizer, names.all());
  }

  @Override
  public void importTrainingState(List<Tensor> state) {
    OptimizerState.restore(optimizer, names.all(), state, model.getNDManager());
  }

  /** Arrays alive in the model's manager (parameters, optimiser state): constant across steps unless something leaks. */
  int liveArrays() {
    return model.getNDManager().getManagedArrays().size();
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
    // the launchers keep freed memory in glibc's heap while a model trains; give it back now
    NativeHeap.trim();
  }

  TaskType type() {
    return head.type();
  }
}
