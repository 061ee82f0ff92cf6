package org.brainbench.api.model;

import java.util.List;

/** Parameter counts of the layers the specs are made of (weights plus biases where they have one). */
public final class Counts {
  private Counts() {}

  /** A convolution with {@code kernelVolume} taps per input channel. */
  public static long conv(long in, long out, long kernelVolume, boolean bias) {
    return in * out * kernelVolume + (bias ? out : 0);
  }

  public static long linear(long in, long out) {
    return in * out + out;
  }

  /** Batch norm or layer norm: a scale and a shift per channel. */
  public static long norm(long channels) {
    return 2 * channels;
  }

  /** A pre-norm transformer block (timm layout): norms, fused qkv, projection, two-layer MLP. */
  public static long transformerBlock(long dim, long hidden) {
    return norm(dim) + linear(dim, 3 * dim) + linear(dim, dim) + norm(dim) + linear(dim, hidden) + linear(hidden, dim);
  }

  /**
   * torchvision's ResNet-18 trunk (conv1 7x7 stride 2, batch norm, 4 stages of 2 basic blocks, no
   * fc) for {@code in} channels and base width {@code w} (64 in torchvision).
   */
  public static long resnet18(int in, int w) {
    long n = conv(in, w, 49, false) + norm(w);
    int prev = w;
    for (int stage = 0; stage < 4; stage++) {
      int c = w << stage;
      for (int block = 0; block < 2; block++) {
        int blockIn = block == 0 ? prev : c;
        n += conv(blockIn, c, 9, false) + norm(c) + conv(c, c, 9, false) + norm(c);
        if (block == 0 && (stage > 0 || blockIn != c)) {
          n += conv(blockIn, c, 1, false) + norm(c);
        }
      }
      prev = c;
    }
    return n;
  }

  /** The hidden width of a transformer MLP. */
  public static int hidden(int dim, double ratio) {
    return (int) Math.round(dim * ratio);
  }

  static long sum(List<Long> parts) {
    return parts.stream().mapToLong(Long::longValue).sum();
  }
}
