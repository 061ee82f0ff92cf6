package org.brainbench.api.model;

import java.util.List;
import org.brainbench.api.weights.Tensor;
import org.brainbench.tasks.TaskType;

/**
 * TransSeg as its authors released it (Zhang et al., 2022; github yuhui-zh15/TransSeg, {@code
 * src/backbones/encoders/beit3d.py}, {@code src/backbones/decoders/upernet.py}, {@code src/model.py};
 * fact sheet docs/models/inflated-vit-zhang2022.md), under their state-dict names ({@code
 * encoder.*}, {@code decoder.*}).
 *
 * <ul>
 *   <li>"3D" is a window of {@code window} neighbouring axial slices (edge slices repeated): a
 *       patch embedding whose kernel spans the whole window and {@code patch} x {@code patch}
 *       pixels, so the tokens lie on the slice's 2D grid; a [CLS] token; no absolute position
 *       embedding.
 *   <li>BEiT blocks: pre-norm (LayerNorm eps 1e-6), qkv without bias but a (q_bias, 0, v_bias) bias,
 *       a relative-position bias table per block (three extra rows for [CLS]), layer scale
 *       {@code gamma_1}/{@code gamma_2}, exact GELU; no final norm.
 *   <li>Segment: UperNet over the patch tokens of the blocks {@code taps} (fpn1 two 2x transposed
 *       convolutions with BN and GELU between, fpn2 one, fpn3 identity, fpn4 2x max-pool; pyramid
 *       pooling at 1, 2, 3, 6 on the coarsest level; lateral and output convolutions with BN and
 *       ReLU; fusion), Dropout2d, a 1x1 classifier and bilinear upsampling by patch/4 to the slice.
 *       Each window predicts its centre slice, and a volume is every slice's window, stacked.
 *   <li>Classify, regress (not in the release): the mean of the last block's patch tokens over
 *       every window of the volume, a LayerNorm (eps 1e-6) and a linear head.
 * </ul>
 */
@ModelInfo(id = InflatedVitSpec.ID, protocol = "zhang2022", defaultProtocol = false, authorsRelease = true,
    summary = "TransSeg as released by Zhang et al. (2022): BEiT over windows of neighbouring slices, UperNet decoder, centre-slice prediction")
public record InflatedVitZhang2022Spec(
    @Param(value = "patch size in pixels (a multiple of 4: the decoder ends at 1/4 of the patch grid's pixels)", defaultValue = "16", min = 4, max = 64)
        int patch,
    @Param(value = "neighbouring slices per window (odd): the patch kernel's depth", defaultValue = "5", min = 1, max = 31) int window,
    @Param(value = "token width (also the decoder's channels)", defaultValue = "768", min = 1) int dim,
    @Param(value = "BEiT blocks", defaultValue = "12", min = 1) int depth,
    @Param(value = "attention heads", defaultValue = "12", min = 1) int heads,
    @Param(value = "MLP width (rounded down to a multiple of dim, as theirs)", defaultValue = "3072", min = 1) int mlpDim,
    @Param(value = "the four blocks (0-based) whose tokens feed the decoder", defaultValue = "[3, 5, 7, 11]", min = 0, minItems = 4)
        List<Integer> taps,
    @Param(value = "Dropout2d before the decoder's classifier", defaultValue = "0.1", min = 0, max = 1, maxOpen = true) double decoderDropout,
    @Param(value = "safetensors saved by the authors' code (their state-dict names) to start from", defaultValue = "\"\"", file = true) String weights,
    @Param(value = "a 2D BEiT checkpoint (safetensors, unilm/timm names) to inflate into the encoder, as their training starts", defaultValue = "\"\"",
        file = true) String beitWeights,
    @Param(value = "how beitWeights' 2D patch kernel spreads over the window: centering (theirs) or averaging", defaultValue = "centering")
        PatchInflation inflation)
    implements ModelSpec {
  /** The pyramid pooling scales of their UperNet. */
  public static final List<Integer> POOL_SCALES = List.of(1, 2, 3, 6);

  public InflatedVitZhang2022Spec {
    ParamSchema.check(InflatedVitZhang2022Spec.class, patch, window, dim, depth, heads, mlpDim, taps, decoderDropout, weights, beitWeights, inflation);
    if (patch % 4 != 0) {
      throw new IllegalArgumentException("patch must be a multiple of 4, got " + patch);
    }
    if (window % 2 == 0) {
      throw new IllegalArgumentException("window must be odd (a centre slice), got " + window);
    }
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim must be a positive multiple of heads, got " + dim + " and " + heads);
    }
    if (mlpDim < dim) {
      throw new IllegalArgumentException("mlpDim must be at least dim (their hidden width is dim * (mlpDim / dim)), got " + mlpDim);
    }
    if (taps.size() != 4) {
      throw new IllegalArgumentException("taps lists four blocks, got " + taps);
    }
    for (int t : taps) {
      if (t >= depth) {
        throw new IllegalArgumentException("taps must be blocks 0.." + (depth - 1) + ", got " + taps);
      }
    }
    if (weights == null) {
      weights = "";
    }
    if (beitWeights == null) {
      beitWeights = "";
    }
    if (!weights.isEmpty() && !beitWeights.isEmpty()) {
      throw new IllegalArgumentException("give weights (the authors' state dict) or beitWeights (a 2D BEiT to inflate), not both");
    }
    taps = List.copyOf(taps);
  }

  public static InflatedVitZhang2022Spec defaults() {
    return (InflatedVitZhang2022Spec) ParamSchema.of(InflatedVitZhang2022Spec.class).defaults();
  }

  /** Small configurations for tests and parity: window 3 at patch 4, window 5 at patch 8 with repeated taps. */
  public static List<InflatedVitZhang2022Spec> examples() {
    return List.of(new InflatedVitZhang2022Spec(4, 3, 8, 2, 2, 16, List.of(0, 0, 1, 1), 0.1, "", "", PatchInflation.CENTERING),
        new InflatedVitZhang2022Spec(8, 5, 16, 3, 4, 40, List.of(0, 1, 2, 2), 0.0, "", "", PatchInflation.AVERAGING));
  }

  @Override
  public String id() {
    return InflatedVitSpec.ID;
  }

  /** Their MLP width: dim * (mlpDim / dim), integer division (model.py passes mlp_ratio = mlp_dim // hidden). */
  public int hidden() {
    return dim * (mlpDim / dim);
  }

  /** The patch grid of an axial slice of a (z, y, x) input: (y / patch, x / patch). */
  public int[] grid(int[] dhw) {
    return new int[] {dhw[1] / patch, dhw[2] / patch};
  }

  /** Rows of a block's relative-position table: (2 Hp - 1)(2 Wp - 1) offsets and three for [CLS]. */
  public long tableRows(int[] dhw) {
    int[] g = grid(dhw);
    return (2L * g[0] - 1) * (2L * g[1] - 1) + 3;
  }

  /**
   * Their {@code relative_position_index} for a grid of Hp x Wp tokens (h-major, w fastest) and
   * [CLS] first: entry [i][j] (query i, key j) is the table row of their offset; [CLS] as query
   * takes row R-3, as key R-2, [CLS] to itself R-1 (R = {@link #tableRows}).
   */
  public long[] relativePositionIndex(int[] dhw) {
    int[] g = grid(dhw);
    int n = g[0] * g[1] + 1;
    long rows = tableRows(dhw);
    long[] index = new long[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        long v;
        if (i == 0 && j == 0) {
          v = rows - 1;
        } else if (j == 0) {
          v = rows - 2;
        } else if (i == 0) {
          v = rows - 3;
        } else {
          int hi = (i - 1) / g[1];
          int wi = (i - 1) % g[1];
          int hj = (j - 1) / g[1];
          int wj = (j - 1) % g[1];
          v = (long) (hi - hj + g[0] - 1) * (2L * g[1] - 1) + (wi - wj + g[1] - 1);
        }
        index[i * n + j] = v;
      }
    }
    return index;
  }

  /** The slice indices of the window centred on every slice, clamped to the volume (their edge replication). */
  public static int[][] windows(int slices, int window) {
    int[][] out = new int[slices][window];
    for (int s = 0; s < slices; s++) {
      for (int o = 0; o < window; o++) {
        out[s][o] = Math.min(Math.max(s + o - window / 2, 0), slices - 1);
      }
    }
    return out;
  }

  /** The decoder's four pyramid levels (side lengths along y and x): 4 Hp, 2 Hp, Hp, floor(Hp / 2). */
  public int[][] levels(int[] dhw) {
    int[] g = grid(dhw);
    return new int[][] {{4 * g[0], 4 * g[1]}, {2 * g[0], 2 * g[1]}, {g[0], g[1]}, {g[0] / 2, g[1] / 2}};
  }

  @Override
  public boolean hasAttention() {
    return true;
  }

  @Override
  public String incompatibility(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN) {
      return "inflated-vit (zhang2022) has no self-supervised objective: the authors start from a 2D BEiT";
    }
    int[] s = head.inputShape();
    for (int i = 1; i < 3; i++) {
      if (s[i] % patch != 0) {
        return "axial slices must be multiples of the patch size " + patch + ", got " + s[1] + "x" + s[2];
      }
    }
    if (head.type() == TaskType.SEGMENT && (s[1] / patch < 2 || s[2] / patch < 2)) {
      return "segmentation needs at least 2x2 patches per slice (the decoder's coarsest level halves the grid), got " + s[1] / patch + "x" + s[2] / patch;
    }
    return null;
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("encoder.");
  }

  @Override
  public boolean isHead(String parameter) {
    return !isEncoder(parameter);
  }

  @Override
  public long parameterCount(TaskHead head) {
    int[] s = head.inputShape();
    long e = dim;
    long block = 2 * Counts.norm(e) + 3 * e * e + 2 * e + tableRows(s) * heads + Counts.linear(e, e) + Counts.linear(e, hidden())
        + Counts.linear(hidden(), e) + 2 * e;
    long encoder = e + Counts.conv(head.inputChannels(), e, (long) window * patch * patch, true) + depth * block;
    if (head.type() != TaskType.SEGMENT) {
      return encoder + Counts.norm(e) + Counts.linear(e, head.outputs());
    }
    long deconv = e * e * 4 + e;
    long cbr1 = e * e + Counts.norm(e);
    long cbr3 = e * e * 9 + Counts.norm(e);
    int scales = POOL_SCALES.size();
    long decoder = Counts.conv(e, head.outputs(), 1, true) + 3 * deconv + Counts.norm(e) + scales * cbr1 + (e + scales * e) * e * 9 + Counts.norm(e)
        + 3 * cbr1 + 3 * cbr3 + 4 * e * e * 9 + Counts.norm(e);
    return encoder + decoder;
  }

  /** Their Dice plus focal loss, each window's centre slice a sample. */
  @Override
  public org.brainbench.api.training.SegmentationLoss segmentationLoss() {
    return org.brainbench.api.training.SegmentationLoss.DICE_FOCAL_PER_SLICE;
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    if (!beitWeights.isEmpty()) {
      return new org.brainbench.api.weights.WeightsFile("beit", beitWeights);
    }
    return weights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("authors", weights);
  }

  /**
   * Their state dict as this model names it: BN counters dropped, and the {@code
   * relative_position_index} buffers, which this model computes from the grid, checked and dropped.
   * Or a 2D BEiT inflated as their {@code load_checkpoint} does ({@link
   * org.brainbench.api.weights.BeitInflation}).
   */
  @Override
  public List<Tensor> convertWeights(List<Tensor> tensors, TaskHead head, int inputChannels) {
    if (!beitWeights.isEmpty()) {
      return org.brainbench.api.weights.BeitInflation.toTransSeg(tensors, inputChannels, window, inflation, grid(head.inputShape()), depth);
    }
    long[] expected = relativePositionIndex(head.inputShape());
    List<Tensor> kept = new java.util.ArrayList<>();
    for (Tensor t : org.brainbench.api.weights.StateDicts.plain(tensors)) {
      if (t.name().endsWith(".attn.relative_position_index")) {
        float[] v = t.data();
        boolean same = v.length == expected.length;
        for (int i = 0; same && i < v.length; i++) {
          same = v[i] == expected[i];
        }
        if (!same) {
          throw new IllegalArgumentException(t.name() + " is not the relative-position index of a " + grid(head.inputShape())[0] + "x"
              + grid(head.inputShape())[1] + " patch grid: the weights were saved for another slice size");
        }
        continue;
      }
      kept.add(t);
    }
    return kept;
  }

  /** Their own state dict holds the whole segmentation model; a 2D BEiT fills what it has of the encoder. */
  @Override
  public boolean weightsCover(String parameter) {
    return beitWeights.isEmpty() && (isEncoder(parameter) || parameter.startsWith("decoder."));
  }
}
