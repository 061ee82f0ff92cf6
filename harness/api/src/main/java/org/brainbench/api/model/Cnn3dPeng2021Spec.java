package org.brainbench.api.model;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.training.SoftBins;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;

/**
 * SFCN as its authors released it (Peng et al., 2021; github ha-ha-ha-han/UKBiobank_deep_pretrain,
 * {@code dp_model/model_files/sfcn.py}; fact sheet docs/models/cnn3d-peng2021.md), under their
 * state-dict names: blocks {@code feature_extractor.conv_i} of a 3x3x3 convolution with bias, batch
 * norm, 2x max-pooling and ReLU, a last block of 1x1x1 convolution, batch norm and ReLU; then
 * {@code classifier}: average pooling over the last map, dropout, a 1x1x1 convolution to one output
 * per class, or per age bin for brain age, which is soft classification ({@link SoftBins}: Gaussian
 * soft labels, KL divergence, the expectation of the bin centres as the prediction).
 *
 * <p>Convolutions and the classifier take PyTorch's default initialisation (uniform within
 * 1/sqrt(fan in)), as the authors' model does. The authors hard-code the average pool at [5, 6, 5],
 * which is the last map of their 160x192x160 input; here it is the last map of whatever input, which
 * equals theirs at 160-191 x 192-223 x 160-191. Brain age is predicted in years (the target is not
 * standardised), and the bins come from the training subjects' ages unless {@code binRange} is set.
 *
 * @param binRange the bins' lower and upper age; empty: the training ages' range, widened to whole
 *     bins (the authors' UK Biobank range was [42, 82])
 */
@ModelInfo(id = Cnn3dSpec.ID, protocol = "peng2021", defaultProtocol = false, authorsRelease = true,
    summary = "SFCN as released by Peng et al. (2021): conv blocks with biases, average pool, dropout, 1x1x1 classifier; brain age as soft classification over age bins")
public record Cnn3dPeng2021Spec(
    @Param(value = "channels per conv block (the authors': 32,64,128,256,256,64; the last block is 1x1x1)", defaultValue = "[32, 64, 128, 256, 256, 64]",
        min = 1, minItems = 2) List<Integer> channels,
    @Param(value = "dropout before the classifier (the authors': 0.5)", defaultValue = "0.5", min = 0, max = 1, maxOpen = true) double dropout,
    @Param(value = "lower and upper age of the brain-age bins; [] derives them from the training ages (the authors': [42, 82] for UK Biobank)",
        defaultValue = "[]", minItems = 0) List<Double> binRange,
    @Param(value = "width of an age bin in years", defaultValue = "1.0", min = 0, minOpen = true) double binWidth,
    @Param(value = "sd of the Gaussian soft labels in years (0: hard labels)", defaultValue = "1.0", min = 0) double sigma,
    @Param(value = "safetensors saved by the authors' code (their state-dict names; a module. prefix and num_batches_tracked are dropped) to start from",
        defaultValue = "\"\"", file = true) String weights) implements ModelSpec {
  /** The authors' UK Biobank bins, used to count parameters before the training ages are known. */
  public static final List<Double> UK_BIOBANK_RANGE = List.of(42.0, 82.0);

  public Cnn3dPeng2021Spec {
    ParamSchema.check(Cnn3dPeng2021Spec.class, channels, dropout, binRange, binWidth, sigma, weights);
    if (!binRange.isEmpty()) {
      if (binRange.size() != 2 || !(binRange.get(1) > binRange.get(0))) {
        throw new IllegalArgumentException("binRange is [low, high] with low < high, got " + binRange);
      }
      SoftBins.over(binRange.get(0), binRange.get(1), binWidth, sigma); // a whole number of bins
    }
    channels = List.copyOf(channels);
    binRange = List.copyOf(binRange);
  }

  /** Small configurations for tests and parity: the fixture's six blocks with fixed bins, and three blocks with 2-year bins. */
  public static List<Cnn3dPeng2021Spec> examples() {
    return List.of(new Cnn3dPeng2021Spec(List.of(4, 8, 8, 16, 16, 8), 0.5, List.of(42.0, 82.0), 1.0, 1.0, ""),
        new Cnn3dPeng2021Spec(List.of(4, 8, 4), 0.0, List.of(), 2.0, 1.0, ""));
  }

  @Override
  public String id() {
    return Cnn3dSpec.ID;
  }

  /** The age bins: the set range, or before training ages are known the authors' UK Biobank range. */
  @Override
  public SoftBins regressionBins() {
    List<Double> r = binRange.isEmpty() ? UK_BIOBANK_RANGE : binRange;
    return SoftBins.over(r.get(0), r.get(1), binWidth, sigma);
  }

  /** With no {@code binRange}, bins of {@code binWidth} on whole multiples of it covering every training age. */
  @Override
  public ModelSpec fittedToTargets(TaskType type, double[] targets) {
    if (type != TaskType.REGRESS || !binRange.isEmpty() || targets.length == 0) {
      return this;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double t : targets) {
      lo = Math.min(lo, t);
      hi = Math.max(hi, t);
    }
    double start = Math.floor(lo / binWidth) * binWidth;
    double end = (Math.floor(hi / binWidth) + 1) * binWidth;
    if (end - start < 2 * binWidth) {
      end = start + 2 * binWidth;
    }
    return new Cnn3dPeng2021Spec(channels, dropout, List.of(start, end), binWidth, sigma, weights);
  }

  /** Brain age is predicted in years: the bins are ages. */
  @Override
  public boolean standardisesRegressionTarget() {
    return false;
  }

  /** Max-pooling blocks: every block but the last. */
  public int poolings() {
    return channels.size() - 1;
  }

  /** The average pool's kernel: the last map, each side halved {@link #poolings()} times (floor). */
  public int[] averagePool(int[] inputShape) {
    int[] k = new int[3];
    for (int a = 0; a < 3; a++) {
      k[a] = inputShape[a] >> poolings();
    }
    return k;
  }

  /** Outputs of the classifier: classes, or age bins. */
  public int classifierOutputs(TaskHead head) {
    return head.type() == TaskType.REGRESS ? regressionBins().count() : head.outputs();
  }

  @Override
  public String incompatibility(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN) {
      return "cnn3d (peng2021) is trained from scratch; it has no pre-training objective";
    }
    if (head.type() == TaskType.SEGMENT) {
      return "cnn3d (peng2021) has no segmentation decoder: the authors released none; use protocol linear-head (a 3D U-Net)";
    }
    for (int s : head.inputShape()) {
      if (s >> poolings() < 1) {
        return "input size " + s + " cannot be max-pooled " + poolings() + " times; the smallest input is " + (1 << poolings());
      }
    }
    return null;
  }

  @Override
  public String outputLayer() {
    return "classifier.conv_6";
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("feature_extractor.");
  }

  @Override
  public boolean isHead(String parameter) {
    return parameter.startsWith("classifier.");
  }

  @Override
  public long parameterCount(TaskHead head) {
    long n = 0;
    int in = head.inputChannels();
    for (int b = 0; b < channels.size(); b++) {
      int kernel = b == channels.size() - 1 ? 1 : 27;
      int out = channels.get(b);
      n += (long) in * out * kernel + out + 2L * out; // conv with bias, batch-norm scale and shift
      in = out;
    }
    int k = classifierOutputs(head);
    return n + (long) in * k + k;
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    return weights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("authors", weights);
  }

  /**
   * The authors' state dict as this model names it: DataParallel's {@code module.} prefix and batch
   * norm's {@code num_batches_tracked} counters dropped, and the classifier left out when its
   * outputs (classes or bins) are not this head's.
   */
  @Override
  public List<Tensor> convertWeights(List<Tensor> tensors, TaskHead head, int inputChannels) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : org.brainbench.api.weights.StateDicts.plain(tensors)) {
      if (!(isHead(t.name()) && t.shape().length > 0 && t.shape()[0] != classifierOutputs(head))) {
        out.add(t);
      }
    }
    return out;
  }

  /** The authors' checkpoint covers the feature extractor; its classifier fits only the same classes or bins. */
  @Override
  public boolean weightsCover(String parameter) {
    return isEncoder(parameter);
  }
}
