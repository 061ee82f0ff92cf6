package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff graph whose variables carry brainbench's neutral names ({@code blocks.0.conv.weight},
 * PyTorch layouts), so weights move between backends and PyTorch checkpoints unchanged.
 *
 * <p>Every model is written once as a forward function and built twice into the same graph: a
 * training branch (batch statistics, dropout) and an inference branch (running statistics, no
 * dropout). Both read the same variables: {@link #parameter} creates a variable on first use and
 * returns it afterwards. Initial values are drawn from a seeded Java generator, so they do not
 * depend on ND4J's global random state.
 */
final class NamedGraph {
  /** How a weight is initialised (the same kinds as the DJL backend). */
  enum Init {
    /** He normal, fan in: convolutions and linear layers of CNNs. */
    HE,
    /** Normal with sd 0.02, truncated at 2 sd (timm): Transformer weights, tokens, positions. */
    TRUNC_NORMAL,
    /**
     * BEiT's residual projections (fix_init_weight): truncated normal of sd 0.02 / sqrt(2 layer),
     * the 1-based layer given as the fan argument.
     */
    TRUNC_NORMAL_RESCALED,
    /** Normal with sd 0.01 (the Medical Transformer authors' linear layers). */
    NORMAL_SMALL,
    /** Standard normal (PyTorch's nn.Embedding). */
    NORMAL,
    /** Uniform within 1/sqrt(fan in): PyTorch's default for a convolution's or linear layer's weight and bias. */
    TORCH_DEFAULT,
    /** Xavier uniform, within sqrt(6 / (fan in + fan out)), with the fan argument their sum. */
    XAVIER_UNIFORM,
    ZEROS,
    ONES
  }

  /** A batch norm's batch statistics, fetched after a training step to update its running statistics. */
  record BatchStats(String prefix, String mean, String variance, long valuesPerSample) {}

  final SameDiff sd = SameDiff.create();
  private final Map<String, SDVariable> parameters = new LinkedHashMap<>();
  private final Map<String, SDVariable> buffers = new LinkedHashMap<>();
  private final List<BatchStats> batchStats = new ArrayList<>();
  private final Map<String, Dropout> dropouts = new LinkedHashMap<>();
  private final Map<String, SDVariable> placeholders = new LinkedHashMap<>();
  private final Map<String, String> probes = new LinkedHashMap<>();
  private final RandomGenerator init;
  private int unique;

  NamedGraph(RandomGenerator init) {
    this.init = init;
  }

  /** The trainable tensor with this name, created (with this shape and initialisation) on first use. */
  SDVariable parameter(String name, Init kind, long fanIn, long... shape) {
    SDVariable v = parameters.get(name);
    if (v == null) {
      if (buffers.containsKey(name)) {
        throw new IllegalStateException("duplicate name " + name);
      }
      v = sd.var(name, initial(kind, fanIn, shape));
      parameters.put(name, v);
    }
    return v;
  }

  /** A state tensor (batch-norm running statistics): saved and exchanged, never trained. */
  SDVariable buffer(String name, float fill, long... shape) {
    SDVariable v = buffers.get(name);
    if (v == null) {
      v = sd.var(name, Nd4j.valueArrayOf(shape, fill, DataType.FLOAT));
      buffers.put(name, v);
    }
    return v;
  }

  /** A state tensor with given values (a fixed positional table): saved, never trained. */
  SDVariable buffer(String name, INDArray value) {
    SDVariable v = buffers.get(name);
    if (v == null) {
      v = sd.var(name, value);
      buffers.put(name, v);
    }
    return v;
  }

  /** A placeholder fed per batch (a pre-training objective's draws), created on first use so both branches share it. */
  SDVariable placeholder(String name, long... shape) {
    SDVariable v = placeholders.get(name);
    if (v == null) {
      v = sd.placeHolder(name, DataType.FLOAT, shape);
      placeholders.put(name, v);
    }
    return v;
  }

  /** Records a named intermediate of the inference branch that {@code probes} returns. */
  void probe(String name, SDVariable value) {
    if (!probes.containsKey(name)) {
      probes.put(name, sd.identity("probe_" + name, value).name());
    }
  }

  /** Probe names to the graph variables holding them. */
  Map<String, String> probes() {
    return probes;
  }

  /** A state tensor with an initialisation (a momentum encoder's weights): saved, never trained. */
  SDVariable buffer(String name, Init kind, long fanIn, long... shape) {
    SDVariable v = buffers.get(name);
    if (v == null) {
      if (parameters.containsKey(name)) {
        throw new IllegalStateException("duplicate name " + name);
      }
      v = sd.var(name, initial(kind, fanIn, shape));
      buffers.put(name, v);
    }
    return v;
  }

  private INDArray initial(Init kind, long fanIn, long[] shape) {
    return switch (kind) {
      case ZEROS -> Nd4j.zeros(DataType.FLOAT, shape);
      case ONES -> Nd4j.ones(DataType.FLOAT, shape);
      case HE -> gaussian(shape, Math.sqrt(2.0 / fanIn), Double.POSITIVE_INFINITY);
      case TRUNC_NORMAL -> gaussian(shape, 0.02, 2);
      case TRUNC_NORMAL_RESCALED -> gaussian(shape, 0.02 / Math.sqrt(2.0 * fanIn), 2);
      case NORMAL_SMALL -> gaussian(shape, 0.01, Double.POSITIVE_INFINITY);
      case NORMAL -> gaussian(shape, 1, Double.POSITIVE_INFINITY);
      case TORCH_DEFAULT -> uniform(shape, 1 / Math.sqrt(fanIn));
      case XAVIER_UNIFORM -> uniform(shape, Math.sqrt(6.0 / fanIn));
    };
  }

  private INDArray uniform(long[] shape, double bound) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((2 * init.nextDouble() - 1) * bound);
    }
    return Nd4j.create(values, shape, 'c');
  }

  private INDArray gaussian(long[] shape, double sd, double truncateAtSd) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] values = new float[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      double g;
      do {
        g = init.nextGaussian();
      } while (Math.abs(g) > truncateAtSd);
      values[i] = (float) (g * sd);
    }
    return Nd4j.create(values, shape, 'c');
  }

  /**
   * Records a batch norm's statistics outputs of the training branch; {@code valuesPerSample} is
   * how many values of one channel each sample of the batch contributes (for the unbiased variance).
   */
  void addBatchStats(String prefix, SDVariable mean, SDVariable variance, long valuesPerSample) {
    batchStats.add(new BatchStats(prefix, mean.name(), variance.name(), valuesPerSample));
  }

  /**
   * A dropout placeholder: its shape without the leading dimension, its rate, and how many rows of
   * that dimension each sample of a batch has (1, or the slices per volume where a model runs on
   * slices).
   */
  record Dropout(long[] shape, double rate, long rowsPerSample) {}

  /**
   * A dropout mask placeholder of the training branch: the model fills it with 0 and 1/(1-rate)
   * from its own seeded generator at each step (so dropout is reproducible and resumable).
   */
  SDVariable dropoutMask(double rate, long rowsPerSample, long... shapeWithoutBatch) {
    String name = "dropout_mask_" + dropouts.size();
    long[] shape = new long[shapeWithoutBatch.length + 1];
    shape[0] = -1;
    System.arraycopy(shapeWithoutBatch, 0, shape, 1, shapeWithoutBatch.length);
    dropouts.put(name, new Dropout(shapeWithoutBatch, rate, rowsPerSample));
    return sd.placeHolder(name, DataType.FLOAT, shape);
  }

  /** A fresh name for an intermediate result. */
  String unique(String base) {
    return base + "_" + unique++;
  }

  Map<String, SDVariable> parameters() {
    return parameters;
  }

  Map<String, SDVariable> buffers() {
    return buffers;
  }

  List<BatchStats> batchStats() {
    return batchStats;
  }

  /** Dropout placeholders by name. */
  Map<String, Dropout> dropouts() {
    return dropouts;
  }
}
