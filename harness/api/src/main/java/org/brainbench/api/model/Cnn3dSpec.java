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
public record Cnn3dSpec(List<Integer> channels, double widthFactor, double dropout, int segmentationLevels) implements ModelSpec {
  public static final String ID = "cnn3d";
  public static final List<Integer> PAPER_CHANNELS = List.of(32, 64, 128, 256, 256, 64);

  public Cnn3dSpec {
    if (channels == null || channels.size() < 2) {
      throw new IllegalArgumentException("channels must list at least 2 blocks");
    }
    for (int c : channels) {
      if (c < 1) {
        throw new IllegalArgumentException("channels must be >= 1, got " + channels);
      }
    }
    if (!(widthFactor > 0 && widthFactor <= 8)) {
      throw new IllegalArgumentException("widthFactor must be in (0, 8], got " + widthFactor);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (segmentationLevels < 2 || segmentationLevels > channels.size()) {
      throw new IllegalArgumentException("segmentationLevels must be in [2, " + channels.size() + "], got " + segmentationLevels);
    }
    channels = List.copyOf(channels);
  }

  public static Cnn3dSpec defaults() {
    return new Cnn3dSpec(PAPER_CHANNELS, 1.0, 0.5, 4);
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
