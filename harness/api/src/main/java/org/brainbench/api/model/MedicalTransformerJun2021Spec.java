package org.brainbench.api.model;

import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * The Medical Transformer as its authors released it (Jun, Jeong, Heo, Suk, 2021;
 * github ejjun92/MedicalTransformer; docs/models/medical-transformer-jun2021.md has every point
 * with its source line). Parameter names are the authors' state-dict keys, so their checkpoints load.
 *
 * <ul>
 *   <li>Views: each view's slices lie on the last axis of a (plane, slices) tensor, in the authors'
 *       layout: axial = planes (x, y) along z, sagittal = (z, y) along x, coronal = (x, z) along y.
 *   <li>Slice encoder {@code encoding.*}: ResNet-18 of basic blocks as 3D convolutions with (k, k, 1)
 *       kernels, no biases: 7×7/2 stem, instance norm without affine parameters over the plane and
 *       all slices of the view jointly (the authors' InstanceNorm3d), ReLU, 3×3/2 max-pool, four
 *       stages of two blocks at {@code width} × 1, 2, 4, 8 (1×1 projection shortcuts where the shape
 *       changes), an average pool of the last map ({@code poolWindow}: the authors' fixed 3×3 window
 *       with stride 3, which drops what does not fit; 0: the whole plane, as in their stage 1) and a
 *       linear map to {@code embedDim} per slice. Encodings are [batch, embedDim, slices].
 *   <li>Transformer {@code TF.*}, one shared by the views and run on each view's sequence apart:
 *       tokens × √embedDim + a fixed sinusoidal table (base and length {@code positionBase}, column
 *       j: sin or cos of pos / base^(2j/embedDim)) + a learned view embedding (3 rows: axial,
 *       sagittal, coronal); {@code depth} pre-norm layers of multi-head attention with {@code heads}
 *       heads of {@code headDim} each and a ReLU feed-forward of {@code ffn}, their Norm
 *       α(x − mean)/(unbiased sd + 1e-6) + β, dropout in four places, and a final Norm.
 *   <li>Pre-training, objective {@code masked-encoding} (their stage 2): the encoder is frozen; per
 *       view ⌊slices × maskRatio⌋ slice indices, the same for the whole batch, are replaced by the
 *       encoding of a constant −1 slice; the loss is the sum over views of the mean squared error
 *       between the Transformer's outputs there and the encodings they hid.
 *   <li>Objective {@code triplet} (their stage 1): one encoder per view ({@code encoding},
 *       {@code encoding_sag}, {@code encoding_cor}); per view the triplet margin loss over the slice
 *       axis of anchor = the scan, positive = the scan through a random Bézier intensity curve,
 *       negative = the next scan of the batch; the views' losses summed.
 *   <li>Classify, regress (not in the release; brainbench's choice): each view's Transformer outputs
 *       averaged over slices, the views' means concatenated, a linear head ({@code head}). The default
 *       fine-tuning freezes the encoder, so the Transformer and the head train.
 * </ul>
 */
@ModelInfo(id = MedicalTransformerJun2021Spec.ID, protocol = "jun2021", authorsRelease = true,
    summary = "Medical Transformer as released by Jun et al. (2021): ResNet-18 slice encoder per view, one Transformer per view's "
        + "sequence, triplet then masked encoding vector pre-training")
public record MedicalTransformerJun2021Spec(
    @Param(value = "views whose slices are encoded: sagittal, coronal, axial", defaultValue = "[sagittal, coronal, axial]") List<View> views,
    @Param(value = "base width of the ResNet-18 slice encoder (stages width x 1, 2, 4, 8)", defaultValue = "16", min = 1) int width,
    @Param(value = "encoding width per slice (the authors' d_f)", defaultValue = "64", min = 1) int embedDim,
    @Param(value = "Transformer layers", defaultValue = "1", min = 1) int depth,
    @Param(value = "attention heads", defaultValue = "4", min = 1) int heads,
    @Param(value = "width of each attention head (the authors' hard-coded d_k)", defaultValue = "256", min = 1) int headDim,
    @Param(value = "feed-forward width", defaultValue = "128", min = 1) int ffn,
    @Param(value = "dropout in the Transformer", defaultValue = "0.1", min = 0, max = 1, maxOpen = true) double dropout,
    @Param(value = "share of each view's slices masked in masked-encoding pre-training (rounded down)", defaultValue = "0.1", min = 0,
        minOpen = true, max = 1, maxOpen = true) double maskRatio,
    @Param(value = "average-pool window of the encoder's last map (the authors' 3, stride 3); 0: the whole plane", defaultValue = "3",
        min = 0, max = 16) int poolWindow,
    @Param(value = "base and length of the sinusoidal slice-position table; 0: the largest view's slice count (the authors' max_slicelen)",
        defaultValue = "0", min = 0) int positionBase,
    @Param(value = "margin of the triplet loss", defaultValue = "1.0", min = 0, minOpen = true) double tripletMargin,
    @Param(value = "safetensors saved by the authors' code (their state-dict names: Multiview_MEP's encoding.* and TF.*, or stage 1's three encoders; a DataParallel module. prefix is dropped) to start from",
        defaultValue = "\"\"", file = true) String weights) implements ModelSpec {
  public static final String ID = "medical-transformer";

  public MedicalTransformerJun2021Spec {
    ParamSchema.check(MedicalTransformerJun2021Spec.class, views, width, embedDim, depth, heads, headDim, ffn, dropout, maskRatio, poolWindow,
        positionBase, tripletMargin, weights);
    if (views.stream().distinct().count() != views.size()) {
      throw new IllegalArgumentException("views repeat: " + views);
    }
    views = List.copyOf(views);
  }

  public static MedicalTransformerJun2021Spec defaults() {
    return (MedicalTransformerJun2021Spec) ParamSchema.of(MedicalTransformerJun2021Spec.class).defaults();
  }

  /** Small configurations for tests and parity: three views with a whole-plane pool, and one view with a 1×1 window. */
  public static List<MedicalTransformerJun2021Spec> examples() {
    return List.of(new MedicalTransformerJun2021Spec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), 4, 16, 1, 2, 8, 32, 0.0, 0.25, 0, 0, 1.0, ""),
        new MedicalTransformerJun2021Spec(List.of(View.AXIAL), 4, 8, 2, 2, 4, 16, 0.1, 0.25, 1, 40, 0.5, ""));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    return weights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("authors", weights);
  }

  /**
   * The authors' state dict as this model names it: a {@code module.} prefix (their DataParallel
   * checkpoints) is dropped; a downstream or masked-encoding model takes the axial encoder
   * ({@code encoding.*}, as their stage 2 loads it) and the Transformer, so stage 1's other two
   * encoders are left out unless the model is a triplet model, which has all three.
   */
  @Override
  public List<org.brainbench.api.weights.Tensor> convertWeights(List<org.brainbench.api.weights.Tensor> tensors, TaskHead head, int inputChannels) {
    boolean threeEncoders = head.type() == TaskType.PRETRAIN && head.objectiveOf(this) == Objective.TRIPLET;
    List<org.brainbench.api.weights.Tensor> out = new java.util.ArrayList<>();
    for (org.brainbench.api.weights.Tensor t : tensors) {
      String name = t.name().startsWith("module.") ? t.name().substring("module.".length()) : t.name();
      if (!threeEncoders && (name.startsWith("encoding_sag.") || name.startsWith("encoding_cor."))) {
        continue;
      }
      out.add(new org.brainbench.api.weights.Tensor(name, t.shape(), t.data()));
    }
    return out;
  }

  /** The authors' checkpoint covers everything but the task head (and, for a triplet model, the Transformer it lacks). */
  @Override
  public boolean weightsCover(String parameter) {
    return !isHead(parameter);
  }

  @Override
  public boolean hasAttention() {
    return true;
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objective.MASKED_ENCODING, Objective.TRIPLET);
  }

  /** The encoder stays as pre-trained; the Transformer and the head train. */
  @Override
  public FineTune defaultFineTune() {
    return FineTune.FROZEN_ENCODER;
  }

  /** The view's (plane height, plane width, slices) in the authors' layout, for an input of depth-height-width (z, y, x). */
  public static int[] layout(View v, int[] dhw) {
    return switch (v) {
      case AXIAL -> new int[] {dhw[2], dhw[1], dhw[0]};
      case SAGITTAL -> new int[] {dhw[0], dhw[1], dhw[2]};
      case CORONAL -> new int[] {dhw[2], dhw[0], dhw[1]};
    };
  }

  /** The view embedding's row of a view (the authors' order). */
  public static int viewRow(View v) {
    return switch (v) {
      case AXIAL -> 0;
      case SAGITTAL -> 1;
      case CORONAL -> 2;
    };
  }

  /** The authors' name of a view's encoder in triplet pre-training (the axial one is the one stage 2 loads). */
  public static String encoderName(View v) {
    return switch (v) {
      case AXIAL -> "encoding";
      case SAGITTAL -> "encoding_sag";
      case CORONAL -> "encoding_cor";
    };
  }

  /** A side of the plane after the encoder's five halvings (each takes n to ceil(n / 2)). */
  public static int finalSide(int n) {
    for (int i = 0; i < 5; i++) {
      n = (n + 1) / 2;
    }
    return n;
  }

  /** The positional table's base and length for an input. */
  public int positionBase(int[] dhw) {
    if (positionBase > 0) {
      return positionBase;
    }
    int max = 0;
    for (View v : views) {
      max = Math.max(max, v.slices(dhw));
    }
    return max;
  }

  /** The authors' fixed slice-position table [base, dim]: column j of row pos is sin (j even) or cos (j odd) of pos / base^(2j / dim). */
  public static float[] positionTable(int base, int dim) {
    float[] out = new float[base * dim];
    for (int pos = 0; pos < base; pos++) {
      for (int j = 0; j < dim; j++) {
        double angle = pos / Math.pow(base, 2.0 * j / dim);
        out[pos * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
      }
    }
    return out;
  }

  /** Masked slices of a view: ⌊slices × maskRatio⌋, as the authors' int() truncates. */
  public int masked(int slices) {
    return (int) Math.floor(slices * maskRatio);
  }

  @Override
  public String incompatibility(TaskHead head) {
    String objective = ModelSpec.objectiveProblem(this, head);
    if (objective != null) {
      return objective;
    }
    if (head.type() == TaskType.SEGMENT) {
      return "medical-transformer (jun2021) has no segmentation decoder: the authors released none; use protocol ema";
    }
    int[] dhw = head.inputShape();
    for (View v : views) {
      int[] l = layout(v, dhw);
      for (int side : new int[] {l[0], l[1]}) {
        int f = finalSide(side);
        if (poolWindow > 0 && (f < poolWindow || f >= 2 * poolWindow)) {
          return v.id() + " planes " + l[0] + "x" + l[1] + " end as a " + finalSide(l[0]) + "x" + finalSide(l[1]) + " map; a pool window of "
              + poolWindow + " needs sides in [" + poolWindow + ", " + (2 * poolWindow - 1) + "] (poolWindow 0 pools the whole plane)";
        }
      }
      if (positionBase > 0 && v.slices(dhw) > positionBase) {
        return v.id() + " has " + v.slices(dhw) + " slices, more than the position table's " + positionBase;
      }
      if (head.type() == TaskType.PRETRAIN && head.objectiveOf(this) == Objective.MASKED_ENCODING && masked(v.slices(dhw)) < 1) {
        return v.id() + " has " + v.slices(dhw) + " slices: a mask ratio of " + maskRatio + " masks none";
      }
    }
    return null;
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("encoding.") || parameter.startsWith("encoding_sag.") || parameter.startsWith("encoding_cor.");
  }

  @Override
  public boolean isHead(String parameter) {
    return parameter.startsWith("head.");
  }

  /** The slice encoder's parameters for this many input channels. */
  public long encoderParameters(int inputChannels) {
    long c = width;
    return inputChannels * 49L * c + 2724L * c * c + 8L * c * embedDim + embedDim;
  }

  /** The Transformer's parameters (the positional table is a buffer, not a parameter). */
  public long transformerParameters() {
    long d = embedDim;
    long hk = (long) heads * headDim;
    long layer = 3 * (d * hk + hk) + hk * d + d + 2 * d * ffn + ffn + d + 4 * d;
    return depth * layer + 2 * d + 3 * d;
  }

  @Override
  public long parameterCount(TaskHead head) {
    long encoder = encoderParameters(head.inputChannels());
    return switch (head.type()) {
      case PRETRAIN -> head.objectiveOf(this) == Objective.TRIPLET ? views.size() * encoder : encoder + transformerParameters();
      case CLASSIFY, REGRESS -> encoder + transformerParameters() + Counts.linear((long) views.size() * embedDim, head.outputs());
      case SEGMENT -> throw new IllegalArgumentException(incompatibility(head));
    };
  }

  /** Masked-encoding pre-training trains only the Transformer: the encoder comes frozen from the triplet stage. */
  @Override
  public long trainableCount(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN && head.objectiveOf(this) == Objective.MASKED_ENCODING) {
      return transformerParameters();
    }
    return parameterCount(head);
  }
}
