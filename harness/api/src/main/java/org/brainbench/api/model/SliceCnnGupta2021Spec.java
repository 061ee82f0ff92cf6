package org.brainbench.api.model;

import java.util.List;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;

/**
 * The slice-set network as its authors released it (Gupta et al., 2021/2023; github
 * umgupta/2d-slice-set-networks v2.0, {@code src/arch/slice_cnn_utils.py} and {@code
 * src/arch/ukbb/brain_age_slice_set.py}; fact sheet docs/models/slice-cnn-gupta2021.md), under their
 * state-dict names. Each slice of one view, as the 2D image of the two other axes in their (x, y, z)
 * order, goes through one of their two encoders:
 *
 * <ul>
 *   <li>{@code encoder1} (ISBI 2021): blocks of 3x3 convolution (with bias), instance norm (no
 *       affine), 2x max-pooling and ReLU; a 1x1 convolution to {@code postChannels}, instance norm,
 *       ReLU and an average pool over the last map; optionally a learned slice-position table added
 *       and a LayerNorm taken jointly over features and slices; dropout; a 1x1 convolution to {@code
 *       width}.
 *   <li>{@code resnet18} (ISBI 2023): torchvision's ResNet-18 without {@code fc} (base width {@code
 *       resnetWidth}, batch norm over all slices of the batch), a one-channel slice repeated to the
 *       three RGB channels first, as theirs; a linear map to {@code width}; optionally the position
 *       table and its LayerNorm over {@code width} features. No dropout: their ResNet encoder
 *       ignores it. {@code imagenetWeights} starts the trunk from torchvision's ImageNet weights.
 * </ul>
 *
 * <p>The slice embeddings are aggregated (pooled attention, gated attention, mean or max); then
 * {@code attn_post} Linear(width, 64), ReLU and {@code regressor.1} Linear(64, outputs).
 *
 * <p>Brain age is regressed in years with the regressor's bias started at the training subjects'
 * mean age ({@code regressorBias}; the authors hard-code UK Biobank's 62.68); two classes are one
 * logit with binary cross-entropy (their AD classifier), more classes one logit each.
 */
@ModelInfo(id = SliceCnnSpec.ID, protocol = "gupta2021", defaultProtocol = false, authorsRelease = true,
    summary = "Slice-set network as released by Gupta et al. (2021/2023): encoder1 or ResNet-18 per slice, optional position encoding, pooled attention, MLP head")
public record SliceCnnGupta2021Spec(
    @Param(value = "the view whose slices are encoded (the authors' UK Biobank: sagittal)", defaultValue = "sagittal") View view,
    @Param(value = "encoder1 (ISBI 2021) or resnet18 (torchvision's, ISBI 2023)", defaultValue = "encoder1") SliceSetEncoder encoder,
    @Param(value = "encoder1: channels of the five encoder blocks", defaultValue = "[32, 64, 128, 256, 256]", min = 1) List<Integer> channels,
    @Param(value = "encoder1: channels of the 1x1 convolution after the blocks", defaultValue = "64", min = 1) int postChannels,
    @Param(value = "resnet18: base width (torchvision: 64)", defaultValue = "64", min = 1) int resnetWidth,
    @Param(value = "slice embedding width (the authors' heads x attn_dim)", defaultValue = "32", min = 1) int width,
    @Param(value = "attention heads of pooled attention", defaultValue = "1", min = 1) int heads,
    @Param(value = "pooled-attention, gated-attention, mean or max over slices", defaultValue = "pooled-attention") SliceSetAggregation aggregation,
    @Param(value = "add the learned slice-position table and its joint LayerNorm", defaultValue = "false") boolean positionEncoding,
    @Param(value = "encoder1: dropout before the last 1x1 convolution (every published command: 0.5)", defaultValue = "0.5", min = 0, max = 1, maxOpen = true)
        double dropout,
    @Param(value = "initial bias of the regressor in years; NaN: the training subjects' mean age (the authors' UK Biobank: 62.68)",
        defaultValue = "NaN") double regressorBias,
    @Param(value = "safetensors saved by the authors' code (their state-dict names) to start from", defaultValue = "\"\"", file = true) String weights,
    @Param(value = "resnet18: safetensors with torchvision's names (ImageNet weights) to start the trunk from", defaultValue = "\"\"", file = true)
        String imagenetWeights)
    implements ModelSpec {
  /** Width of {@code attn_post}, the hidden layer of the regression head. */
  public static final int HIDDEN = 64;

  public SliceCnnGupta2021Spec {
    ParamSchema.check(SliceCnnGupta2021Spec.class, view, encoder, channels, postChannels, resnetWidth, width, heads, aggregation, positionEncoding, dropout,
        Double.isNaN(regressorBias) ? 0.0 : regressorBias, weights, imagenetWeights);
    if (width % heads != 0) {
      throw new IllegalArgumentException("width " + width + " must be a multiple of heads " + heads);
    }
    if (weights == null) {
      weights = "";
    }
    if (imagenetWeights == null) {
      imagenetWeights = "";
    }
    if (!imagenetWeights.isEmpty() && encoder != SliceSetEncoder.RESNET18) {
      throw new IllegalArgumentException("imagenetWeights needs encoder resnet18");
    }
    if (!imagenetWeights.isEmpty() && !weights.isEmpty()) {
      throw new IllegalArgumentException("give weights (the authors' state dict) or imagenetWeights (torchvision's), not both");
    }
    channels = List.copyOf(channels);
  }

  /** encoder1 with the given settings and no weights file. */
  public static SliceCnnGupta2021Spec encoder1(View view, List<Integer> channels, int postChannels, int width, int heads, SliceSetAggregation aggregation,
      boolean positionEncoding, double dropout, double regressorBias) {
    return new SliceCnnGupta2021Spec(view, SliceSetEncoder.ENCODER1, channels, postChannels, 64, width, heads, aggregation, positionEncoding, dropout,
        regressorBias, "", "");
  }

  /** resnet18 of base width {@code resnetWidth} with the given settings and no weights file. */
  public static SliceCnnGupta2021Spec resnet18(View view, int resnetWidth, int width, int heads, SliceSetAggregation aggregation, boolean positionEncoding,
      double regressorBias) {
    return new SliceCnnGupta2021Spec(view, SliceSetEncoder.RESNET18, List.of(32, 64, 128, 256, 256), 64, resnetWidth, width, heads, aggregation,
        positionEncoding, 0.5, regressorBias, "", "");
  }

  /**
   * Small configurations for tests and parity: pooled attention with positions (two heads), gated
   * attention, mean and max over other views; the ResNet with positions and pooled attention.
   */
  public static List<SliceCnnGupta2021Spec> examples() {
    return List.of(encoder1(View.SAGITTAL, List.of(4, 8, 8), 8, 8, 2, SliceSetAggregation.POOLED_ATTENTION, true, 0.5, Double.NaN),
        encoder1(View.AXIAL, List.of(4, 8, 8), 4, 8, 1, SliceSetAggregation.GATED_ATTENTION, false, 0.0, 50.0),
        encoder1(View.CORONAL, List.of(4, 8), 4, 4, 1, SliceSetAggregation.MEAN, true, 0.0, Double.NaN),
        encoder1(View.AXIAL, List.of(4, 4, 8), 4, 4, 1, SliceSetAggregation.MAX, false, 0.0, Double.NaN),
        resnet18(View.CORONAL, 2, 4, 2, SliceSetAggregation.POOLED_ATTENTION, true, Double.NaN));
  }

  /** Whether the slice encoder is the ResNet. */
  public boolean resnet() {
    return encoder == SliceSetEncoder.RESNET18;
  }

  /** Width of the features the position table is added to: {@code postChannels} (encoder1) or {@code width} (resnet18). */
  public int sliceFeatures() {
    return resnet() ? width : postChannels;
  }

  /** The ResNet's input channels: a one-channel slice is repeated to RGB, as theirs; other inputs keep their channels. */
  public static int resnetInputChannels(int inputChannels) {
    return inputChannels == 1 ? 3 : inputChannels;
  }

  @Override
  public String id() {
    return SliceCnnSpec.ID;
  }

  /** Slices along the view's axis of a (z, y, x) input. */
  public int slices(int[] dhw) {
    return view.slices(dhw);
  }

  /** The slice image (rows, columns): the two other axes in the authors' (x, y, z) order. */
  public int[] image(int[] dhw) {
    return switch (view) {
      case SAGITTAL -> new int[] {dhw[1], dhw[0]}; // (y, z)
      case CORONAL -> new int[] {dhw[2], dhw[0]}; // (x, z)
      case AXIAL -> new int[] {dhw[2], dhw[1]}; // (x, y)
    };
  }

  /** The average pool's window: the last map, each side halved once per block (floor). */
  public int[] averagePool(int[] dhw) {
    int[] img = image(dhw);
    return new int[] {img[0] >> channels.size(), img[1] >> channels.size()};
  }

  /** The position table's shape in the authors' layout: [1, F, S at the slice axis, 1, 1]. */
  public long[] positionTableShape(int[] dhw) {
    long[] s = {1, sliceFeatures(), 1, 1, 1};
    s[2 + axisIndex()] = slices(dhw);
    return s;
  }

  /** The authors' slice_dim - 1: sagittal 0, coronal 1, axial 2. */
  public int axisIndex() {
    return switch (view) {
      case SAGITTAL -> 0;
      case CORONAL -> 1;
      case AXIAL -> 2;
    };
  }

  @Override
  public boolean binaryLogit() {
    return true;
  }

  /** Outputs of the regressor: 1 for brain age and for two classes (one logit), else one per class. */
  public int regressorOutputs(TaskHead head) {
    return head.type() == TaskType.CLASSIFY && head.outputs() > 2 ? head.outputs() : 1;
  }

  @Override
  public boolean standardisesRegressionTarget() {
    return false;
  }

  /** The regressor's initial bias: the set one, or the training ages' mean. */
  @Override
  public ModelSpec fittedToTargets(TaskType type, double[] targets) {
    if (type != TaskType.REGRESS || !Double.isNaN(regressorBias) || targets.length == 0) {
      return this;
    }
    double mean = java.util.Arrays.stream(targets).average().orElse(0);
    return new SliceCnnGupta2021Spec(view, encoder, channels, postChannels, resnetWidth, width, heads, aggregation, positionEncoding, dropout, mean, weights,
        imagenetWeights);
  }

  /** The bias the regressor starts from for this head: 0 for a classifier. */
  public double initialRegressorBias(TaskHead head) {
    return head.type() == TaskType.REGRESS && !Double.isNaN(regressorBias) ? regressorBias : 0;
  }

  @Override
  public String incompatibility(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN) {
      return "slice-cnn (gupta2021) has no self-supervised objective";
    }
    if (head.type() == TaskType.SEGMENT) {
      return "slice-cnn (gupta2021) has no segmentation decoder: the authors released none; use protocol linear-head";
    }
    int[] img = image(head.inputShape());
    if (resnet()) {
      return img[0] < 2 || img[1] < 2 ? view + " slices (" + img[0] + "x" + img[1] + ") are too small for the ResNet" : null;
    }
    for (int side : img) {
      if (side >> channels.size() < 1) {
        return view + " slices (" + img[0] + "x" + img[1] + ") are too small for " + channels.size() + " poolings";
      }
    }
    int[] k = averagePool(head.inputShape());
    if ((img[0] >> channels.size()) * (img[1] >> channels.size()) < 2) {
      // instance norm before the pool needs two positions (PyTorch raises at one; the authors' grid leaves 3x2)
      return view + " slices (" + img[0] + "x" + img[1] + ") leave a 1x1 map after " + channels.size() + " poolings; instance norm needs two positions";
    }
    return k[0] < 1 || k[1] < 1 ? "average pool window is empty" : null;
  }

  @Override
  public String outputLayer() {
    return "regressor.1";
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("encoder_2d.");
  }

  @Override
  public boolean isHead(String parameter) {
    return !isEncoder(parameter);
  }

  @Override
  public long parameterCount(TaskHead head) {
    long n = 0;
    int in = head.inputChannels();
    if (resnet()) {
      n += Counts.resnet18(resnetInputChannels(in), resnetWidth) + Counts.linear(8L * resnetWidth, width);
    } else {
      for (int c : channels) {
        n += (long) in * c * 9 + c;
        in = c;
      }
      n += (long) in * postChannels + postChannels;
      n += (long) postChannels * width + width;
    }
    if (positionEncoding) {
      n += 3L * sliceFeatures() * slices(head.inputShape());
    }
    n += switch (aggregation) {
      case POOLED_ATTENTION -> 3L * width * width + 6L * width; // S, fc_k, fc_v, ln0, fc_o
      case GATED_ATTENTION -> (long) width * width + 2L * width; // V with bias, w without
      case MEAN, MAX -> 0;
    };
    int k = regressorOutputs(head);
    return n + (long) width * HIDDEN + HIDDEN + (long) HIDDEN * k + k;
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    if (!imagenetWeights.isEmpty()) {
      return new org.brainbench.api.weights.WeightsFile("torchvision", imagenetWeights);
    }
    return weights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("authors", weights);
  }

  /** The ResNet trunk's prefix in the authors' state dict (torchvision's names below it). */
  public static final String RESNET_PREFIX = "encoder_2d.encoder_2d";

  /**
   * Their state dict as this model names it (DataParallel's {@code module.} prefix and BN counters
   * dropped); or torchvision's ImageNet ResNet-18 under their prefix, {@code fc} dropped, {@code
   * conv1}'s RGB kernel kept for one-channel input (their repeat of the slice to RGB equals summing
   * the kernel) and adapted to other channel counts as timm does.
   */
  @Override
  public List<Tensor> convertWeights(List<Tensor> tensors, TaskHead head, int inputChannels) {
    if (!imagenetWeights.isEmpty()) {
      return org.brainbench.api.weights.TorchvisionResnet.toEncoder(tensors, resnetInputChannels(inputChannels), RESNET_PREFIX);
    }
    return org.brainbench.api.weights.StateDicts.plain(tensors);
  }

  @Override
  public boolean weightsCover(String parameter) {
    return imagenetWeights.isEmpty() ? isEncoder(parameter) : parameter.startsWith(RESNET_PREFIX + ".");
  }
}
