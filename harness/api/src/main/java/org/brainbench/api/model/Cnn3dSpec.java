package org.brainbench.api.model;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.TaskType;

/**
 * The 3D CNN baseline, SFCN-style (Peng et al., 2021): blocks of 3x3x3 convolution, batch norm,
 * 2x max-pooling and ReLU; a last block of 1x1x1 convolution, batch norm and ReLU; then global
 * average pooling, dropout and a linear layer to the outputs.
 *
 * <p>For segmentation the same blocks form a 3D U-Net: the first {@code segmentationLevels}
 * channel counts are encoder levels (3x3x3 conv, batch norm, ReLU; 2x max-pooling between
 * levels); each decoder level doubles the resolution (nearest upsampling), concatenates the
 * encoder's features of that level and applies 3x3x3 conv, batch norm and ReLU with that level's
 * channels; a 1x1x1 convolution gives the class scores.
 *
 * <p>Convolutions have no bias (batch norm follows each one and has its own shift); batch norm has
 * a scale and a shift per channel (its running statistics are state, not parameters).
 *
 * @param channels channel counts per block at full width; the paper-scale default is [32, 64, 128,
 *     256, 256, 64]
 * @param widthFactor multiplies every channel count (rounded, at least 1), for small runs
 * @param dropout before the final linear layer (classify, regress)
 * @param segmentationLevels encoder levels of the segmentation U-Net (>= 2)
 */
@ModelInfo(id = Cnn3dSpec.ID, protocol = "linear-head", defaultProtocol = true,
    summary = "3D CNN trained from scratch (SFCN-style trunk, global average pool and a linear head; a 3D U-Net from the same blocks for segmentation)")
public record Cnn3dSpec(
    @Param(value = "channels per conv block at full width (SFCN: 32,64,128,256,256,64)", defaultValue = "[32, 64, 128, 256, 256, 64]",
        min = 1, minItems = 2) List<Integer> channels,
    @Param(value = "multiplies every channel count, for small runs", defaultValue = "1.0", min = 0, minOpen = true, max = 8) double widthFactor,
    @Param(value = "dropout before the output layer (classify, regress)", defaultValue = "0.5", min = 0, max = 1, maxOpen = true) double dropout,
    @Param(value = "U-Net encoder levels used for segmentation", defaultValue = "4", min = 2) int segmentationLevels) implements ModelSpec {
  public static final String ID = "cnn3d";
  public static final List<Integer> PAPER_CHANNELS = List.of(32, 64, 128, 256, 256, 64);

  public Cnn3dSpec {
    ParamSchema.check(Cnn3dSpec.class, channels, widthFactor, dropout, segmentationLevels);
    if (segmentationLevels > channels.size()) {
      throw new IllegalArgumentException("segmentationLevels must be in [2, " + channels.size() + "], got " + segmentationLevels);
    }
    channels = List.copyOf(channels);
  }

  public static Cnn3dSpec defaults() {
    return (Cnn3dSpec) ParamSchema.of(Cnn3dSpec.class).defaults();
  }

  /** Small configurations for tests and parity: a 3-block trunk (2-level U-Net) and a 4-block one. */
  public static List<Cnn3dSpec> examples() {
    return List.of(new Cnn3dSpec(List.of(4, 8, 8), 0.5, 0.1, 2), new Cnn3dSpec(List.of(4, 8, 8, 4), 1.0, 0.0, 3));
  }

  @Override
  public String id() {
    return ID;
  }

  /** Channel counts after the width factor. */
  public List<Integer> widths() {
    List<Integer> out = new ArrayList<>();
    for (int c : channels) {
      out.add(Math.max(1, (int) Math.round(c * widthFactor)));
    }
    return out;
  }

  /** How many times the classification trunk halves the grid (every block but the last). */
  public int poolings(TaskType type) {
    return type == TaskType.SEGMENT ? segmentationLevels - 1 : channels.size() - 1;
  }

  @Override
  public String incompatibility(TaskHead head) {
    if (head.type() == TaskType.PRETRAIN) {
      return "cnn3d is trained from scratch; it has no pre-training objective";
    }
    int halvings = poolings(head.type());
    for (int s : head.inputShape()) {
      if (s >> halvings < 1) {
        return "input size " + s + " cannot be halved " + halvings + " times; use fewer blocks or a larger grid";
      }
      if (head.type() == TaskType.SEGMENT && s % (1 << halvings) != 0) {
        return "segmentation input sizes must be divisible by " + (1 << halvings) + " (" + halvings + " poolings), got " + s;
      }
    }
    return null;
  }

  /** The convolutional trunk (classify, regress) or the U-Net encoder (segment). */
  @Override
  public boolean isEncoder(String parameter) {
    return parameter.startsWith("blocks.") || parameter.startsWith("encoder.");
  }

  /** The linear output layer, or the U-Net's decoder and classifier. */
  @Override
  public boolean isHead(String parameter) {
    return parameter.startsWith("head.") || parameter.startsWith("decoder.");
  }

  @Override
  public long parameterCount(TaskHead head) {
    List<Integer> w = widths();
    long n = 0;
    if (head.type() == TaskType.PRETRAIN) {
      throw new IllegalArgumentException("cnn3d has no self-supervised objective");
    }
    if (head.type() == TaskType.SEGMENT) {
      int in = head.inputChannels();
      for (int l = 0; l < segmentationLevels; l++) {
        n += conv(in, w.get(l), 27) + batchNorm(w.get(l));
        in = w.get(l);
      }
      for (int l = segmentationLevels - 2; l >= 0; l--) {
        n += conv(in + w.get(l), w.get(l), 27) + batchNorm(w.get(l));
        in = w.get(l);
      }
      return n + conv(in, head.outputs(), 1) + head.outputs(); // 1x1x1 classifier has a bias
    }
    int in = head.inputChannels();
    for (int b = 0; b < w.size(); b++) {
      int kernel = b == w.size() - 1 ? 1 : 27;
      n += conv(in, w.get(b), kernel) + batchNorm(w.get(b));
      in = w.get(b);
    }
    return n + (long) in * head.outputs() + head.outputs();
  }

  private static long conv(int in, int out, int kernelVolume) {
    return (long) in * out * kernelVolume;
  }

  private static long batchNorm(int channels) {
    return 2L * channels;
  }
}
