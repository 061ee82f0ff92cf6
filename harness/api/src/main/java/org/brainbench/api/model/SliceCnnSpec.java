package org.brainbench.api.model;

import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * The 2D-slice CNN (Gupta et al., 2021/2023): a shared 2D encoder over the slices of one view, then
 * a permutation-invariant aggregation of the slice embeddings and a linear head.
 *
 * <ul>
 *   <li>Encoder {@code cnn}: blocks of 3x3 convolution (no bias), instance norm (no affine
 *       parameters, as PyTorch's InstanceNorm2d), 2x max-pooling and ReLU (default 32-64-128-256-256
 *       channels), then a 1x1 convolution to {@code embedding} channels and global average
 *       pooling. Or {@code resnet18}: torchvision's ResNet-18 trunk (base width 64), optionally
 *       initialised from ImageNet weights ({@code imagenetWeights}: a safetensors file with
 *       torchvision's names; RGB kernels are summed into the input channels as timm does), then the
 *       1x1 convolution to the embedding.
 *   <li>Optional learned slice-position embeddings (which break permutation invariance on
 *       purpose).
 *   <li>Aggregation: {@code mean}, {@code max}, or {@code attention} (Ilse et al. 2018:
 *       softmax over slices of {@code w · tanh(V h + b)}).
 *   <li>Segment: the cnn encoder as a per-slice 2D U-Net (no pooling after the last block;
 *       decoders upsample 2x, concatenate the encoder's features, 3x3 conv, instance norm, ReLU; a
 *       1x1 convolution to classes). Slices are predicted one by one and stacked: the
 *       slice-by-slice approach whose loss of depth context the inflation paper criticises.
 * </ul>
 */
@ModelInfo(id = SliceCnnSpec.ID, protocol = "linear-head", defaultProtocol = true,
    summary = "2D-slice CNN (after Gupta et al.): shared 2D encoder over one view's slices, permutation-invariant aggregation, linear head")
public record SliceCnnSpec(
    @Param(value = "the view whose slices are encoded: sagittal, coronal, axial", defaultValue = "axial") View view,
    @Param(value = "cnn (conv, instance norm, pool, ReLU blocks) or resnet18", defaultValue = "cnn") EncoderKind encoder,
    @Param(value = "cnn channels per block", defaultValue = "[32, 64, 128, 256, 256]", min = 1) List<Integer> channels,
    @Param(value = "slice embedding width (1x1 convolution)", defaultValue = "32", min = 1) int embedding,
    @Param(value = "mean, max or attention over slices", defaultValue = "mean") Aggregation aggregation,
    @Param(value = "add learned slice-position embeddings", defaultValue = "false") boolean positionEmbedding,
    @Param(value = "resnet18: safetensors file with torchvision names", defaultValue = "\"\"", file = true) String imagenetWeights)
    implements ModelSpec {
  public static final String ID = "slice-cnn";
  public static final int RESNET_WIDTH = 64;

  public SliceCnnSpec {
    ParamSchema.check(SliceCnnSpec.class, view, encoder, channels, embedding, aggregation, positionEmbedding, imagenetWeights);
    if (imagenetWeights == null) {
      imagenetWeights = "";
    }
    if (!imagenetWeights.isEmpty() && encoder != EncoderKind.RESNET18) {
      throw new IllegalArgumentException("imagenetWeights needs encoder resnet18");
    }
    channels = List.copyOf(channels);
  }

  public static SliceCnnSpec defaults() {
    return (SliceCnnSpec) ParamSchema.of(SliceCnnSpec.class).defaults();
  }

  /** Small configurations for tests and parity: every aggregation, every view, both encoders, with and without positions. */
  public static List<SliceCnnSpec> examples() {
    return List.of(
        new SliceCnnSpec(View.AXIAL, EncoderKind.CNN, List.of(4, 8, 8), 8, Aggregation.MEAN, false, ""),
        new SliceCnnSpec(View.CORONAL, EncoderKind.CNN, List.of(4, 8), 8, Aggregation.ATTENTION, true, ""),
        new SliceCnnSpec(View.SAGITTAL, EncoderKind.RESNET18, List.of(4), 8, Aggregation.MAX, false, ""));
  }

  @Override
  public org.brainbench.api.weights.WeightsFile weightsFile() {
    return imagenetWeights.isEmpty() ? null : new org.brainbench.api.weights.WeightsFile("torchvision", imagenetWeights);
  }

  /** torchvision's ResNet-18 names to the encoder's, RGB kernels adapted to the input channels. */
  @Override
  public List<org.brainbench.api.weights.Tensor> convertWeights(List<org.brainbench.api.weights.Tensor> tensors, TaskHead head, int inputChannels) {
    return org.brainbench.api.weights.TorchvisionResnet.toEncoder(tensors, inputChannels, "encoder");
  }

  @Override
  public String id() {
    return ID;
  }

  /** Width of the encoder's last feature map. */
  public int encoderWidth() {
    return encoder == EncoderKind.RESNET18 ? 8 * RESNET_WIDTH : channels.get(channels.size() - 1);
  }

  @Override
  public String incompatibility(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN) {
      return "slice-cnn has no self-supervised objective (use imagenetWeights for transfer)";
    }
    if (head.type() == TaskType.SEGMENT && encoder == EncoderKind.RESNET18) {
      return "segmentation needs the cnn encoder (its blocks give the U-Net's skip connections)";
    }
    int pools = encoder == EncoderKind.RESNET18 ? 5 : head.type() == TaskType.SEGMENT ? channels.size() - 1 : channels.size();
    for (int s : view.sliceShape(head.inputShape())) {
      if (s < (1 << pools)) {
        return view + " slices (" + s + " voxels) are too small for " + pools + " poolings";
      }
      if (head.type() == TaskType.SEGMENT && s % (1 << pools) != 0) {
        return view + " slices are " + s + " voxels wide; segmentation needs multiples of " + (1 << pools);
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
    return parameter.startsWith("head.") || parameter.startsWith("decoder.") || parameter.startsWith("attention.");
  }

  @Override
  public long parameterCount(TaskHead head) {
    int in = head.inputChannels();
    long n = 0;
    if (encoder == EncoderKind.RESNET18) {
      n += Counts.resnet18(in, RESNET_WIDTH);
    } else {
      for (int c : channels) {
        n += Counts.conv(in, c, 9, false);
        in = c;
      }
    }
    if (head.type() == TaskType.SEGMENT) {
      for (int i = channels.size() - 2; i >= 0; i--) {
        n += Counts.conv(channels.get(i + 1) + channels.get(i), channels.get(i), 9, false);
      }
      return n + Counts.conv(channels.get(0), head.outputs(), 1, true);
    }
    n += Counts.conv(encoderWidth(), embedding, 1, true);
    if (positionEmbedding) {
      n += (long) view.slices(head.inputShape()) * embedding;
    }
    if (aggregation == Aggregation.ATTENTION) {
      n += Counts.linear(embedding, embedding) + embedding;
    }
    return n + Counts.linear(embedding, head.outputs());
  }
}
