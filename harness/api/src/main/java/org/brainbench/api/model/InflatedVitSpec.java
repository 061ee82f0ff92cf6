package org.brainbench.api.model;

import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * brainbench's inflated ViT ({@code protocol: unetr}; the authors' TransSeg is {@link
 * InflatedVitZhang2022Spec}): a ViT with a 3D patch embedding (a strided convolution of
 * {@code patch}³ voxels), a [CLS] token, learned position embeddings and pre-norm Transformer
 * blocks in timm's layout, so 2D ViT weights load by name.
 *
 * <ul>
 *   <li>Initialisation: from scratch; from a 2D ViT checkpoint with timm's names ({@code weights}, a
 *       safetensors file); or from a 2D ViT that brainbench pre-trains on 2D axial slices of the
 *       pre-training set (a suite stage; {@code init: pretrained:<stage>}). Inflation: the 2D patch
 *       kernel goes to the middle depth slice with zeros elsewhere ({@code centering}, default) or
 *       is repeated over depth and divided by it ({@code averaging}); RGB kernels are summed into
 *       the input channels (timm's rule); position embeddings are resized bilinearly in-plane to
 *       the 3D token grid and repeated over depth.
 *   <li>The 2D pre-training (task type pretrain) is SimMIM (Xie et al., 2022): a {@code maskRatio}
 *       share of the patch tokens of each slice is replaced by a mask token and a linear head
 *       ({@code decoder_pred}) predicts their pixels; the loss is the squared error on masked patches.
 *   <li>Classify, regress: LayerNorm and a linear head on the mean of the patch tokens (timm's
 *       {@code global_pool='avg'}). The [CLS] token stays in the sequence (timm checkpoints and the
 *       2D pre-training have it), but its output is not the head's input: on the built-in AD-vs-CN
 *       task at 32³ a [CLS] head stayed at chance (AUC 0.49 ± 0.13 over 3 seeds, pre-trained init)
 *       while mean pooling reached 0.69 ± 0.06.
 *   <li>Segment: a UNETR-style decoder (Hatamizadeh et al., 2022). The token grid is at 1/patch
 *       resolution; with n = log2(patch) levels, hidden states of evenly spaced Transformer blocks
 *       are upsampled to 1/2^j resolution (j = 1..n-1), a convolutional block encodes the input at
 *       full resolution (j = 0), and a decoder upsamples the last hidden state level by level,
 *       concatenating those features. Upsampling is nearest 2x followed by 3x3x3 convolution,
 *       batch norm and ReLU, in place of UNETR's transposed convolutions (DJL's PyTorch engine has
 *       no 3D transposed convolution); channels are {@code decoderChannels} * 2^j.
 * </ul>
 */
@ModelInfo(id = InflatedVitSpec.ID, protocol = "unetr", defaultProtocol = true,
    summary = "ViT with a cubic 3D patch embedding, inflated from 2D ViT weights; UNETR-style decoder (Hatamizadeh et al.) for segmentation")
public record InflatedVitSpec(
    @Param(value = "patch size (voxels per side, a power of two)", defaultValue = "8", min = 2, max = 32) int patch,
    @Param(value = "token width", defaultValue = "128", min = 1) int dim,
    @Param(value = "Transformer blocks", defaultValue = "4", min = 1) int depth,
    @Param(value = "attention heads", defaultValue = "4", min = 1) int heads,
    @Param(value = "MLP width / token width", defaultValue = "2.0", min = 0, minOpen = true, max = 16) double mlpRatio,
    @Param(value = "dropout in the Transformer", defaultValue = "0.1", min = 0, max = 1, maxOpen = true) double dropout,
    @Param(value = "centering or averaging", defaultValue = "centering") PatchInflation inflation,
    @Param(value = "2D ViT safetensors with timm names to inflate", defaultValue = "\"\"", file = true) String weights,
    @Param(value = "share of patches masked in the 2D SimMIM pre-training", defaultValue = "0.5", min = 0, minOpen = true, max = 1, maxOpen = true)
        double maskRatio,
    @Param(value = "UNETR decoder channels at full resolution", defaultValue = "16", min = 1) int decoderChannels) implements ModelSpec {
  public static final String ID = "inflated-vit";

  public InflatedVitSpec {
    ParamSchema.check(InflatedVitSpec.class, patch, dim, depth, heads, mlpRatio, dropout, inflation, weights, maskRatio, decoderChannels);
    if (Integer.bitCount(patch) != 1) {
      throw new IllegalArgumentException("patch must be a power of two in [2, 32], got " + patch);
    }
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim must be a positive multiple of heads, got " + dim + " and " + heads);
    }
    if (weights == null) {
      weights = "";
    }
  }

  public static InflatedVitSpec defaults() {
    return (InflatedVitSpec) ParamSchema.of(InflatedVitSpec.class).defaults();
  }

  /** Small configurations for tests and parity: both inflations, two patch sizes, with and without dropout. */
  public static List<InflatedVitSpec> examples() {
    return List.of(new InflatedVitSpec(4, 16, 2, 2, 2.0, 0.0, PatchInflation.CENTERING, "", 0.5, 4),
        new InflatedVitSpec(8, 16, 3, 4, 1.5, 0.1, PatchInflation.AVERAGING, "", 0.5, 2));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    return weights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("timm", weights);
  }

  /** A 2D ViT with timm's names, inflated to this 3D model (or kept 2D for the 2D pre-training head). */
  @Override
  public List<org.brainbench.api.weights.Tensor> convertWeights(List<org.brainbench.api.weights.Tensor> tensors, TaskHead head, int inputChannels) {
    return org.brainbench.api.weights.Inflation.inflate(tensors, new org.brainbench.api.weights.Inflation.Target(dim, patch, inflation), head);
  }

  /** The 2D pre-training stage's ViT, inflated the same way. */
  @Override
  public List<org.brainbench.api.weights.Tensor> fromStage(List<org.brainbench.api.weights.Tensor> tensors, TaskHead head) {
    return org.brainbench.api.weights.Inflation.inflate(tensors, new org.brainbench.api.weights.Inflation.Target(dim, patch, inflation), head);
  }

  @Override
  public boolean hasAttention() {
    return true;
  }

  public int hidden() {
    return Counts.hidden(dim, mlpRatio);
  }

  /** Decoder levels below the token grid: log2(patch). */
  public int levels() {
    return Integer.numberOfTrailingZeros(patch);
  }

  /** The Transformer block whose output feeds decoder level j (1..levels-1); the last feeds the bottom. */
  public int tap(int level) {
    return Math.max(1, (int) Math.round((double) depth * level / levels()));
  }

  /** Tokens of a 3D input (without [CLS]). */
  public int tokens(int[] dhw) {
    return (dhw[0] / patch) * (dhw[1] / patch) * (dhw[2] / patch);
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objective.SIMMIM_2D);
  }

  @Override
  public String incompatibility(TaskHead head) {
    String objective = ModelSpec.objectiveProblem(this, head);
    if (objective != null) {
      return objective;
    }
    int[] s = head.inputShape();
    int[] check = head.type() == TaskType.PRETRAIN ? new int[] {s[1], s[2]} : s;
    for (int v : check) {
      if (v % patch != 0) {
        return "input sizes must be multiples of the patch size " + patch + ", got " + v;
      }
    }
    return null;
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("patch_embed.") || parameter.equals("cls_token") || parameter.equals("pos_embed")
        || parameter.startsWith("blocks.") || parameter.startsWith("norm.");
  }

  @Override
  public boolean isHead(String parameter) {
    return parameter.startsWith("head.") || parameter.startsWith("decoder.") || parameter.startsWith("decoder_pred.");
  }

  @Override
  public long parameterCount(TaskHead head) {
    int c = head.inputChannels();
    int[] s = head.inputShape();
    long blocks = depth * Counts.transformerBlock(dim, hidden()) + Counts.norm(dim);
    if (head.type() == TaskType.PRETRAIN) {
      long grid = (long) (s[1] / patch) * (s[2] / patch);
      return Counts.conv(c, dim, (long) patch * patch, true) + dim + (1 + grid) * dim + dim + blocks
          + Counts.linear(dim, (long) patch * patch * c);
    }
    long n = Counts.conv(c, dim, (long) patch * patch * patch, true) + dim + (1L + tokens(s)) * dim + blocks;
    if (head.type() != TaskType.SEGMENT) {
      return n + Counts.linear(dim, head.outputs());
    }
    int levels = levels();
    n += Counts.conv(c, decoderChannels, 27, false) + Counts.norm(decoderChannels); // enc0
    for (int j = 1; j < levels; j++) {
      int ch = decoderChannels << j;
      for (int k = 0; k < levels - j; k++) {
        n += Counts.conv(k == 0 ? dim : ch, ch, 27, false) + Counts.norm(ch);
      }
    }
    for (int j = levels - 1; j >= 0; j--) {
      int ch = decoderChannels << j;
      int in = j == levels - 1 ? dim : decoderChannels << (j + 1);
      n += Counts.conv(in, ch, 27, false) + Counts.norm(ch); // up
      n += Counts.conv(2L * ch, ch, 27, false) + Counts.norm(ch); // fuse
    }
    return n + Counts.conv(decoderChannels, head.outputs(), 1, true);
  }
}
