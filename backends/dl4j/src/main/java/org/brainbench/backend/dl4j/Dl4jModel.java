package org.brainbench.backend.dl4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.ImportReport;
import org.brainbench.api.backend.NativeHeap;
import org.brainbench.api.backend.ParameterInfo;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A brainbench model on Deeplearning4j's SameDiff. The graph holds a training and an inference
 * branch over the same named variables (see {@link NamedGraph}); a training step asks SameDiff for
 * the loss, the gradients of the trainable variables and the batch-norm statistics, then clips the
 * gradients to the global norm, applies {@link Optimizer} and updates the running statistics,
 * all on the Java side so the procedure is the DJL backend's step for step.
 */
final class Dl4jModel implements org.brainbench.api.backend.Model {
  static final String WEIGHTS_FILE = "weights.safetensors";
  private static final String INPUT = "input";
  private static final String OUTPUT = "output";
  /** The probe every classify and regress graph records: the head's input. */
  static final String EMBEDDING = "embedding";
  private static final String LOSS_TRAIN = "loss_train";
  private static final String LOSS_EVAL = "loss_eval";
  private static final String MASK = "mask";
  private static final String EMBEDDING_STD = "embedding_std";
  private static final double BN_MOMENTUM = 0.1;
  private static final long GC_GROWTH = 1L << 30;

  private final ModelSpec spec;
  private final TaskHead head;
  private final TrainingConfig training;
  private final NamedGraph graph;
  private final SameDiff sd;
  private final Optimizer optimizer;
  private final int threads;
  private final Map<String, Boolean> trainable = new LinkedHashMap<>();
  private final Map<String, Double> diagnostics = new LinkedHashMap<>();
  private final long maskedTokens;
  private final Map<String, String> momentumPairs;
  private final ModelGraph modelGraph;
  /** Regression as soft classification over these bins (SFCN), or null. */
  private final org.brainbench.api.training.SoftBins bins;
  private final double momentum;
  private final double maskRatio;
  private SplittableRandom random;
  /** The lowest resident memory seen after one of this model's steps. */
  private long workingSet = Long.MAX_VALUE;

  Dl4jModel(ModelSpec spec, TaskHead head, TrainingConfig training, ModelGraph model, long seed, int threads) {
    this.spec = spec;
    this.head = head;
    this.training = training;
    this.threads = threads;
    this.bins = head.type() == TaskType.REGRESS ? spec.regressionBins() : null;
    this.random = new SplittableRandom(seed);
    this.graph = new NamedGraph(new SplittableRandom(seed ^ 0x5DEECE66DL));
    this.sd = graph.sd;
    int[] s = head.inputShape();
    SDVariable input = sd.placeHolder(INPUT, DataType.FLOAT, -1, head.inputChannels(), s[0], s[1], s[2]);
    if (head.type() == TaskType.PRETRAIN) {
      maskedTokens = model.maskedTokens();
      SDVariable mask = maskedTokens > 0 ? sd.placeHolder(MASK, DataType.FLOAT, -1, maskedTokens) : null;
      ModelGraph.Pretraining train = model.pretrain(new Layers(graph, true), input, mask);
      ModelGraph.Pretraining eval = model.pretrain(new Layers(graph, false), input, mask);
      sd.identity(LOSS_TRAIN, train.loss());
      sd.identity(EMBEDDING_STD, train.embeddingStd());
      sd.identity(LOSS_EVAL, eval.loss());
      sd.identity(OUTPUT, eval.prediction());
    } else {
      maskedTokens = 0;
      SDVariable trainOut = model.forward(new Layers(graph, true), input);
      SDVariable evalRaw = model.forward(new Layers(graph, false), input);
      // soft-bin regression (SFCN) outputs the bins' expectation; it trains on the bins' logits
      sd.identity(OUTPUT, bins == null ? evalRaw : TaskLosses.expectation(sd, evalRaw, bins));
      SDVariable target = TaskLosses.target(sd, head, bins);
      boolean binary = head.type() == TaskType.CLASSIFY && head.outputs() == 2 && spec.binaryLogit();
      TaskLosses.loss(sd, LOSS_TRAIN, head, training.regressionLoss(), bins, binary, spec.segmentationLoss(), trainOut, target);
      TaskLosses.loss(sd, LOSS_EVAL, head, training.regressionLoss(), bins, binary, spec.segmentationLoss(), evalRaw, target);
    }
    momentumPairs = model.momentumPairs(graph);
    momentum = model.momentum();
    maskRatio = model.maskRatio();
    // the momentum copy starts as a copy of the online weights
    momentumPairs.forEach((copy, online) -> all().get(copy).getArr().assign(all().get(online).getArr()));
    sd.setLossVariables(LOSS_TRAIN);
    QuietStdout.run(sd::createGradFunction);
    this.modelGraph = model;
    graph.parameters().keySet().forEach(name -> trainable.put(name, !model.frozenByObjective(name)));
    this.optimizer = new Optimizer(training);
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
  public int threads() {
    return threads;
  }

  /** ND4J's OpenMP pool is process-wide: each model sets its own count before computing. */
  private void pinThreads() {
    if (Nd4j.getEnvironment().maxThreads() != threads) {
      Nd4j.getEnvironment().setMaxThreads(threads);
    }
  }

  @Override
  public List<ParameterInfo> parameters() {
    List<ParameterInfo> out = new ArrayList<>();
    graph.parameters().forEach((name, v) -> out.add(new ParameterInfo(name, v.getArr().shape(), trainable.get(name))));
    return out;
  }

  @Override
  public void setFrozen(Predicate<String> frozen) {
    trainable.replaceAll((name, t) -> !frozen.test(name));
  }

  @Override
  public float trainStep(Batch batch, float lr) {
    if (!batch.hasTargets() && head.type() != TaskType.PRETRAIN) {
      throw new IllegalArgumentException("training needs targets");
    }
    pinThreads();
    Map<String, INDArray> feed = feed(batch);
    for (Map.Entry<String, NamedGraph.Dropout> d : graph.dropouts().entrySet()) {
      NamedGraph.Dropout drop = d.getValue();
      feed.put(d.getKey(), dropoutMask((int) (batch.size() * drop.rowsPerSample()), drop.shape(), drop.rate()));
    }
    List<String> outputs = new ArrayList<>();
    outputs.add(LOSS_TRAIN);
    if (head.type() == TaskType.PRETRAIN) {
      outputs.add(EMBEDDING_STD);
    }
    for (NamedGraph.BatchStats b : graph.batchStats()) {
      outputs.add(b.mean());
      outputs.add(b.variance());
    }
    List<String> toTrain = trainable.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    OutAndGrad result = sd.calculateGradientsAndOutputs(feed, outputs, toTrain);
    try {
      float loss = result.getOutputs().get(LOSS_TRAIN).getFloat(0);
      if (!Float.isFinite(loss)) {
        return Float.NaN;
      }
      Map<String, INDArray> gradients = result.getGradients();
      clip(gradients);
      for (String name : toTrain) {
        INDArray g = gradients.get(name);
        if (g != null) {
          optimizer.update(name, graph.parameters().get(name).getArr(), g, lr);
        }
      }
      updateRunningStatistics(result.getOutputs(), batch.size());
      if (head.type() == TaskType.PRETRAIN) {
        diagnostics.put("embeddingStd", (double) result.getOutputs().get(EMBEDDING_STD).getFloat(0));
      }
      updateMomentumCopy();
      return loss;
    } finally {
      // ND4J frees off-heap memory only when the garbage collector finds an array unreachable, which
      // with a mostly idle Java heap can take gigabytes: free this step's arrays now
      closeAll(feed.values());
      closeAll(result.getOutputs().values());
      closeAll(result.getGradients().values());
      collectGarbageIfNeeded();
    }
  }

  /**
   * SameDiff drops its intermediate arrays without freeing them; their native memory returns only
   * after the garbage collector has found them unreachable (and ND4J's deallocator threads have
   * run, asynchronously), which a nearly idle Java heap rarely triggers (measured: the quickstart's
   * 3D CNN grew to 21 GB RSS; ND4J's allocations are not counted by JavaCPP, so {@code
   * org.bytedeco.javacpp.maxbytes} does not bound them). The lowest resident memory seen after a
   * step estimates this model's working set; whenever memory is more than {@link #GC_GROWTH} above
   * it, collect.
   */
  private void collectGarbageIfNeeded() {
    long rss = ResidentMemory.bytes();
    workingSet = Math.min(workingSet, rss);
    if (rss - workingSet > GC_GROWTH) {
      System.gc();
      NativeHeap.trim();
    }
  }

  private static void closeAll(java.util.Collection<INDArray> arrays) {
    for (INDArray a : arrays) {
      if (a != null && !a.wasClosed() && a.closeable()) {
        a.close();
      }
    }
  }



  /** copy = m copy + (1 - m) online, for every (momentum copy, online) pair. */
  private void updateMomentumCopy() {
    if (momentumPairs.isEmpty()) {
      return;
    }
    Map<String, SDVariable> all = all();
    momentumPairs.forEach((copy, online) -> all.get(copy).getArr().muli(momentum).addi(all.get(online).getArr().mul(1 - momentum)));
  }

  /** Scales all gradients so their global L2 norm is at most the configured clip. */
  private void clip(Map<String, INDArray> gradients) {
    if (training.gradientClip() <= 0) {
      return;
    }
    double squares = 0;
    for (INDArray g : gradients.values()) {
      double n = g.norm2Number().doubleValue();
      squares += n * n;
    }
    double norm = Math.sqrt(squares);
    if (norm > training.gradientClip()) {
      double scale = training.gradientClip() / (norm + 1e-6);
      gradients.values().forEach(g -> g.muli(scale));
    }
  }

  /** running = (1 - momentum) running + momentum batch, with the unbiased batch variance (PyTorch). */
  private void updateRunningStatistics(Map<String, INDArray> outputs, int batchSize) {
    for (NamedGraph.BatchStats b : graph.batchStats()) {
      long n = b.valuesPerSample() * batchSize;
      INDArray mean = graph.buffers().get(b.prefix() + ".running_mean").getArr();
      INDArray var = graph.buffers().get(b.prefix() + ".running_var").getArr();
      mean.muli(1 - BN_MOMENTUM).addi(outputs.get(b.mean()).mul(BN_MOMENTUM));
      double unbias = n > 1 ? (double) n / (n - 1) : 1;
      var.muli(1 - BN_MOMENTUM).addi(outputs.get(b.variance()).mul(BN_MOMENTUM * unbias));
    }
  }

  /**
   * Which tokens pre-training hides: the model graph's own rule where it has one, else each token
   * with probability maskRatio, from the model's seeded generator.
   */
  private INDArray tokenMask(Batch b) {
    float[] mask = modelGraph.tokenMask(b.size(), random, b.draws());
    if (mask == null) {
      mask = new float[Math.toIntExact(b.size() * maskedTokens)];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = random.nextDouble() < maskRatio ? 1f : 0f;
      }
    }
    return Nd4j.create(mask, new long[] {b.size(), maskedTokens}, 'c');
  }

  @Override
  public Map<String, float[]> probes(Batch batch) {
    if (graph.probes().isEmpty()) {
      return Map.of();
    }
    pinThreads();
    Map<String, INDArray> feed = feed(batch);
    Map<String, INDArray> computed = sd.output(feed, graph.probes().values().toArray(String[]::new));
    try {
      Map<String, float[]> out = new java.util.LinkedHashMap<>();
      graph.probes().forEach((name, variable) -> {
        try (INDArray copy = computed.get(variable).dup('c')) {
          out.put(name, copy.data().asFloat());
        }
      });
      return out;
    } finally {
      closeAll(feed.values());
      closeAll(computed.values());
    }
  }

  /** The graph's {@code embedding} probe (the head's input, recorded by every classify and regress graph), per sample. */
  @Override
  public float[][] embeddings(Batch batch) {
    if (head.type() != TaskType.CLASSIFY && head.type() != TaskType.REGRESS || !graph.probes().containsKey(EMBEDDING)) {
      throw new UnsupportedOperationException(spec.id() + " " + head + " has no embedding: build it with a classify or regress head");
    }
    pinThreads();
    Map<String, INDArray> feed = feed(batch);
    Map<String, INDArray> computed = sd.output(feed, graph.probes().get(EMBEDDING));
    try (INDArray copy = computed.get(graph.probes().get(EMBEDDING)).dup('c')) {
      return Batch.perSample(copy.data().asFloat(), batch.size());
    } finally {
      closeAll(feed.values());
      closeAll(computed.values());
    }
  }

  private INDArray dropoutMask(int batchSize, long[] perSample, double rate) {
    long[] shape = new long[perSample.length + 1];
    shape[0] = batchSize;
    System.arraycopy(perSample, 0, shape, 1, perSample.length);
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float keep = (float) (1 / (1 - rate));
    float[] mask = new float[Math.toIntExact(n)];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = random.nextDouble() < rate ? 0f : keep;
    }
    return Nd4j.create(mask, shape, 'c');
  }

  @Override
  public float evaluateLoss(Batch batch) {
    pinThreads();
    Map<String, INDArray> feed = feed(batch);
    Map<String, INDArray> out = sd.output(feed, LOSS_EVAL);
    try {
      return out.get(LOSS_EVAL).getFloat(0);
    } finally {
      closeAll(feed.values());
      closeAll(out.values());
      collectGarbageIfNeeded();
    }
  }

  @Override
  public Map<String, Double> diagnostics() {
    return Map.copyOf(diagnostics);
  }

  @Override
  public float[][] outputs(Batch batch) {
    pinThreads();
    Map<String, INDArray> feed = feed(batch);
    Map<String, INDArray> computed = sd.output(feed, OUTPUT);
    float[] flat;
    try (INDArray copy = computed.get(OUTPUT).dup('c')) {
      flat = copy.data().asFloat();
    } finally {
      closeAll(feed.values());
      closeAll(computed.values());
      collectGarbageIfNeeded();
    }
    int n = batch.size();
    int per = flat.length / n;
    float[][] result = new float[n][];
    for (int i = 0; i < n; i++) {
      result[i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
    }
    return result;
  }

  @Override
  public float[][] predict(Batch batch) {
    float[][] raw = outputs(batch);
    switch (head.type()) {
      case CLASSIFY -> {
        if (raw.length > 0 && raw[0].length == 1) {
          // one logit of two classes (binaryLogit): [1 - sigmoid, sigmoid]
          float[][] p = new float[raw.length][];
          for (int i = 0; i < raw.length; i++) {
            float s = (float) (1 / (1 + Math.exp(-raw[i][0])));
            p[i] = new float[] {1 - s, s};
          }
          return p;
        }
        for (float[] logits : raw) {
          softmaxInPlace(logits);
        }
        return raw;
      }
      case REGRESS -> {
        return raw;
      }
      case SEGMENT -> {
        int k = head.outputs();
        int voxels = head.voxels();
        float[][] labels = new float[raw.length][voxels];
        for (int i = 0; i < raw.length; i++) {
          for (int v = 0; v < voxels; v++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
              if (raw[i][c * voxels + v] > raw[i][best * voxels + v]) {
                best = c;
              }
            }
            labels[i][v] = best;
          }
        }
        return labels;
      }
      default -> throw new IllegalStateException(head.type().id());
    }
  }

  private static void softmaxInPlace(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.exp(x[i] - max);
      sum += x[i];
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= sum;
    }
  }

  private INDArray input(Batch b) {
    int[] s = head.inputShape();
    return Nd4j.create(b.images(), new long[] {b.size(), head.inputChannels(), s[0], s[1], s[2]}, 'c');
  }

  private Map<String, INDArray> feed(Batch b) {
    Map<String, INDArray> feed = new HashMap<>();
    feed.put(INPUT, input(b));
    if (b.hasTargets()) {
      feed.put("target", targets(b));
    }
    if (maskedTokens > 0) {
      feed.put(MASK, tokenMask(b));
    }
    if (head.type() == TaskType.PRETRAIN) {
      feed.putAll(modelGraph.pretrainFeeds(b, random));
    }
    return feed;
  }

  /** Targets as the losses take them: one-hot classes, values, one-hot voxel classes. */
  private INDArray targets(Batch b) {
    int k = head.outputs();
    int n = b.size();
    return switch (head.type()) {
      case CLASSIFY -> {
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
          oneHot[i * k + b.classes()[i]] = 1f;
        }
        yield Nd4j.create(oneHot, new long[] {n, k}, 'c');
      }
      case REGRESS -> bins == null ? Nd4j.create(b.values(), new long[] {n}, 'c') : Nd4j.create(bins.labels(b.values()), new long[] {n, bins.count()}, 'c');
      case SEGMENT -> {
        int voxels = head.voxels();
        int[] s = head.inputShape();
        float[] oneHot = new float[n * k * voxels];
        for (int i = 0; i < n; i++) {
          for (int v = 0; v < voxels; v++) {
            oneHot[(i * k + b.voxelClasses()[i * voxels + v]) * voxels + v] = 1f;
          }
        }
        yield Nd4j.create(oneHot, new long[] {n, k, s[0], s[1], s[2]}, 'c');
      }
      default -> throw new IllegalStateException(head.type().id());
    };
  }

  /** Parameters, then buffers: everything a checkpoint holds. */
  private Map<String, SDVariable> all() {
    Map<String, SDVariable> out = new LinkedHashMap<>(graph.parameters());
    out.putAll(graph.buffers());
    return out;
  }

  @Override
  public List<Tensor> exportWeights() {
    List<Tensor> out = new ArrayList<>();
    all().forEach((name, v) -> out.add(Optimizer.tensor(name, v.getArr())));
    return out;
  }

  @Override
  public ImportReport importWeights(List<Tensor> weights, boolean strict) {
    Map<String, SDVariable> all = all();
    Map<String, Tensor> given = new LinkedHashMap<>();
    weights.forEach(t -> given.put(t.name(), t));
    List<String> missing = all.keySet().stream().filter(n -> !given.containsKey(n)).toList();
    List<String> unexpected = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> loaded = new ArrayList<>();
    for (Tensor t : weights) {
      SDVariable v = all.get(t.name());
      if (v == null) {
        unexpected.add(t.name());
      } else if (!Arrays.equals(v.getArr().shape(), t.shape())) {
        problems.add(t.name() + " has shape " + Arrays.toString(t.shape()) + ", the model needs " + Arrays.toString(v.getArr().shape()));
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
      Tensor t = given.get(name);
      all.get(name).getArr().assign(Nd4j.create(t.data(), t.shape(), 'c'));
    }
    return new ImportReport(loaded, missing, unexpected);
  }

  @Override
  public void save(Path folder) throws IOException {
    Files.createDirectories(folder);
    Safetensors.write(folder.resolve(WEIGHTS_FILE), exportWeights(), Map.of("model", spec.id(), "head", head.toString(), "backend", Dl4jBackend.ID));
  }

  @Override
  public void load(Path folder) throws IOException {
    importWeights(Safetensors.read(folder.resolve(WEIGHTS_FILE)).tensors());
  }

  @Override
  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  @Override
  public List<Tensor> exportTrainingState() {
    return optimizer.export();
  }

  @Override
  public void importTrainingState(List<Tensor> state) {
    List<String> problems = new ArrayList<>();
    for (Tensor t : state) {
      String parameter = Optimizer.parameterOf(t.name());
      SDVariable v = graph.parameters().get(parameter);
      if (v == null) {
        problems.add("optimiser state names an unknown parameter: " + parameter);
      } else if (!t.name().endsWith("/step") && !java.util.Arrays.equals(v.getArr().shape(), t.shape())) {
        problems.add("optimiser state " + t.name() + " has shape " + java.util.Arrays.toString(t.shape()) + ", the parameter "
            + java.util.Arrays.toString(v.getArr().shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    optimizer.restore(state);
  }

  @Override
  public void close() {
    // free native memory now rather than when the collector gets to it: the weights, the
    // optimiser's moments and the arrays SameDiff's sessions keep cached for reuse
    all().values().forEach(v -> v.getArr().close());
    optimizer.close();
    sd.getSessions().values().forEach(session -> session.getMmgr().close());
    // and hand what was freed back to the system, so the next model starts from a small process
    System.gc();
    NativeHeap.trim();
  }
}
