package org.brainbench.api.model;

import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * The Medical Transformer (Jun et al., 2021): a shared 2D CNN embeds every slice of each chosen
 * view; learned slice-position and view embeddings are added; a [CLS] token is prepended; a
 * pre-norm Transformer relates all slices of all views.
 *
 * <ul>
 *   <li>Slice encoder {@code cnn}: per level a 3x3 convolution (no bias), batch norm and ReLU, 2x
 *       max-pooling between levels, global average pooling, a linear map to {@code embedDim}
 *       ({@code encoder.proj}). Or {@code resnet18}: torchvision's ResNet-18 trunk with base width
 *       {@code encoderChannels[0]}, then the linear map.
 *   <li>Transformer: {@code depth} blocks with timm's layout (LayerNorm eps 1e-6, fused qkv
 *       projection, GELU MLP of {@code mlpRatio * embedDim}), then a final LayerNorm.
 *   <li>Classify, regress: a linear head on the [CLS] token.
 *   <li>Segment (cnn encoder): one light 2D decoder shared by the views. For each slice, its
 *       contextualised token (projected to the deepest encoder width) is added to the deepest
 *       feature map; each level upsamples 2x (nearest), concatenates the encoder's features of
 *       that level and applies 3x3 conv, batch norm, ReLU; a 1x1 convolution gives class scores.
 *       Each view's slice predictions are stacked back into the volume grid and the three views'
 *       softmax probabilities are averaged (the fusion the paper describes; the average is the
 *       model's output).
 *   <li>Pre-training (masked encoding vector prediction): a {@code maskRatio} share of the slice
 *       embeddings is replaced by a learned mask token; a linear prediction head maps the
 *       Transformer's outputs at masked positions to the embeddings they hid. Targets come from a
 *       momentum (EMA, {@code emaMomentum}) copy of the slice encoder with stop-gradient and are
 *       layer-normalised, so predicting a constant cannot lower the loss (collapse). {@code
 *       collapseGuard: false} drops both (targets are the online embeddings themselves, with
 *       gradient): the known failure, kept for ablations and for testing that collapse is caught.
 * </ul>
 */
@ModelInfo(id = MedicalTransformerSpec.ID, protocol = "ema", defaultProtocol = false,
    summary = "Medical Transformer, brainbench's variant: one Transformer over all views' slices with [CLS], learned positions, "
        + "masked encoding pre-training against momentum-encoder (EMA) targets")
public record MedicalTransformerSpec(
    @Param(value = "views whose slices are embedded: sagittal, coronal, axial", defaultValue = "[sagittal, coronal, axial]") List<View> views,
    @Param(value = "slice encoder: cnn or resnet18 (ResNet-18-shaped, base width encoderChannels[0])", defaultValue = "cnn") EncoderKind encoder,
    @Param(value = "slice CNN channels per level (cnn)", defaultValue = "[16, 32, 64, 128]", min = 1) List<Integer> encoderChannels,
    @Param(value = "token width", defaultValue = "128", min = 1) int embedDim,
    @Param(value = "Transformer blocks", defaultValue = "4", min = 1) int depth,
    @Param(value = "attention heads", defaultValue = "4", min = 1) int heads,
    @Param(value = "MLP width / token width", defaultValue = "2.0", min = 0, minOpen = true, max = 16) double mlpRatio,
    @Param(value = "dropout in the Transformer", defaultValue = "0.1", min = 0, max = 1, maxOpen = true) double dropout,
    @Param(value = "share of slice embeddings hidden in pre-training", defaultValue = "0.3", min = 0, minOpen = true, max = 1, maxOpen = true)
        double maskRatio,
    @Param(value = "momentum of the target encoder in pre-training", defaultValue = "0.99", min = 0, max = 1, maxOpen = true) double emaMomentum,
    @Param(value = "pre-training targets from the momentum encoder, normalised (false: the collapse-prone ablation)", defaultValue = "true")
        boolean collapseGuard) implements ModelSpec {
  public static final String ID = "medical-transformer";

  public MedicalTransformerSpec {
    ParamSchema.check(MedicalTransformerSpec.class, views, encoder, encoderChannels, embedDim, depth, heads, mlpRatio, dropout, maskRatio,
        emaMomentum, collapseGuard);
    if (views.stream().distinct().count() != views.size()) {
      throw new IllegalArgumentException("views repeat: " + views);
    }
    if (embedDim % heads != 0) {
      throw new IllegalArgumentException("embedDim must be a positive multiple of heads, got " + embedDim + " and " + heads);
    }
    views = List.copyOf(views);
    encoderChannels = List.copyOf(encoderChannels);
  }

  public static MedicalTransformerSpec defaults() {
    return (MedicalTransformerSpec) ParamSchema.of(MedicalTransformerSpec.class).defaults();
  }

  /** Small configurations for tests and parity: three views with the cnn encoder, and one view with resnet18. */
  public static List<MedicalTransformerSpec> examples() {
    return List.of(
        new MedicalTransformerSpec(List.of(View.SAGITTAL, View.CORONAL, View.AXIAL), EncoderKind.CNN, List.of(4, 8), 16, 2, 2, 2.0, 0.0, 0.3, 0.9, true),
        new MedicalTransformerSpec(List.of(View.AXIAL), EncoderKind.RESNET18, List.of(4), 16, 1, 2, 2.0, 0.0, 0.3, 0.9, true));
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public boolean hasAttention() {
    return true;
  }

  public int hidden() {
    return Counts.hidden(embedDim, mlpRatio);
  }

  /** Width of the encoder's last feature map (before the projection to embedDim). */
  public int encoderWidth() {
    return encoder == EncoderKind.RESNET18 ? 8 * encoderChannels.get(0) : encoderChannels.get(encoderChannels.size() - 1);
  }

  @Override
  public List<Objective> objectives() {
    return List.of(Objective.MASKED_ENCODING);
  }

  @Override
  public String incompatibility(TaskHead head) {
    String objective = ModelSpec.objectiveProblem(this, head);
    if (objective != null) {
      return objective;
    }
    if (head.type() == TaskType.SEGMENT && encoder == EncoderKind.RESNET18) {
      return "segmentation needs the cnn slice encoder (its levels give the decoder's skip connections)";
    }
    int levels = encoder == EncoderKind.RESNET18 ? 6 : encoderChannels.size();
    for (View v : views) {
      for (int s : v.sliceShape(head.inputShape())) {
        if (head.type() == TaskType.SEGMENT && s % (1 << (levels - 1)) != 0) {
          return v.id() + " slices are " + s + " voxels wide; segmentation needs multiples of " + (1 << (levels - 1));
        }
        if (s < (1 << (levels - 1))) {
          return v.id() + " slices (" + s + " voxels) are too small for " + levels + " encoder levels";
        }
      }
    }
    return null;
  }

  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("encoder.");
  }

  @Override
  public boolean isHead(String parameter) {
    return parameter.startsWith("head.") || parameter.startsWith("decoder.") || parameter.startsWith("pred_head.");
  }

  public long encoderParameters(int inputChannels) {
    if (encoder == EncoderKind.RESNET18) {
      return Counts.resnet18(inputChannels, encoderChannels.get(0)) + Counts.linear(encoderWidth(), embedDim);
    }
    long n = 0;
    int in = inputChannels;
    for (int c : encoderChannels) {
      n += Counts.conv(in, c, 9, false) + Counts.norm(c);
      in = c;
    }
    return n + Counts.linear(in, embedDim);
  }

  @Override
  public long parameterCount(TaskHead head) {
    long n = encoderParameters(head.inputChannels());
    n += embedDim; // cls_token
    n += (long) views.size() * embedDim; // view_embed
    for (View v : views) {
      n += (long) v.slices(head.inputShape()) * embedDim; // pos_embed.<view>
    }
    n += depth * Counts.transformerBlock(embedDim, hidden()) + Counts.norm(embedDim);
    return n + switch (head.type()) {
      case CLASSIFY, REGRESS -> Counts.linear(embedDim, head.outputs());
      case PRETRAIN -> embedDim + Counts.linear(embedDim, embedDim); // mask_token, pred_head (the EMA copy is state)
      case SEGMENT -> {
        List<Integer> c = encoderChannels;
        long d = Counts.linear(embedDim, c.get(c.size() - 1));
        for (int i = c.size() - 2; i >= 0; i--) {
          d += Counts.conv(c.get(i + 1) + c.get(i), c.get(i), 9, false) + Counts.norm(c.get(i));
        }
        yield d + Counts.conv(c.get(0), head.outputs(), 1, true);
      }
    };
  }
}
