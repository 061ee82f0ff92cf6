package org.brainbench.backend.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.View;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The 2D parts shared by the slice models, as on DJL: cutting volumes into one view's slices and
 * back, the plain 2D CNN (conv-norm-ReLU levels with 2x max-pooling) and torchvision's ResNet-18
 * trunk with torchvision's parameter names.
 */
final class SliceEncoders {
  private SliceEncoders() {}

  /** (B, C, D, H, W) to (B * S, C, h, w), slice by slice along the view's axis. */
  static SDVariable toSlices(SDVariable x, View view, long channels, int[] dhw) {
    int[] hw = view.sliceShape(dhw);
    SDVariable t = switch (view) {
      case AXIAL -> x.permute(0, 2, 1, 3, 4);
      case CORONAL -> x.permute(0, 3, 1, 2, 4);
      case SAGITTAL -> x.permute(0, 4, 1, 2, 3);
    };
    return t.reshape(-1, channels, hw[0], hw[1]);
  }

  /** (B * S, K, h, w) slices back to (B, K, D, H, W). */
  static SDVariable fromSlices(SDVariable y, View view, long k, int[] dhw) {
    int[] hw = view.sliceShape(dhw);
    SDVariable t = y.reshape(-1, view.slices(dhw), k, hw[0], hw[1]);
    return switch (view) {
      case AXIAL -> t.permute(0, 2, 1, 3, 4);
      case CORONAL -> t.permute(0, 2, 3, 1, 4);
      case SAGITTAL -> t.permute(0, 2, 3, 4, 1);
    };
  }

  /** Per sample and channel: subtract the spatial mean, divide by the spatial sd (eps 1e-5), no affine. */
  static SDVariable instanceNorm(SDVariable x) {
    SDVariable centred = x.sub(x.mean(true, 2, 3));
    SDVariable var = centred.mul(centred).mean(true, 2, 3);
    return centred.mul(var.add(1e-5).pow(-0.5));
  }

  /**
   * The plain 2D CNN on slices (N, C, h, w): per level a 3x3 convolution without bias, batch norm
   * (or instance norm without parameters), ReLU; 2x max-pooling between levels and, if asked, after
   * the last. Returns every level's features before pooling, then the final output.
   *
   * @param slicesPerSample slices per volume of the batch (for batch-norm statistics)
   */
  static List<SDVariable> convEncoder(Layers l, String prefix, SDVariable x, long in, List<Integer> channels, int[] hw, boolean instanceNorm,
      boolean poolLast, long slicesPerSample) {
    List<SDVariable> out = new ArrayList<>();
    long h = hw[0];
    long w = hw[1];
    for (int i = 0; i < channels.size(); i++) {
      if (i > 0) {
        x = l.maxPool2d(x, 2, 2, 0);
        h /= 2;
        w /= 2;
      }
      x = l.conv2d(prefix + ".blocks." + i + ".conv", x, in, channels.get(i), 3, 1, 1, false);
      x = instanceNorm ? instanceNorm(x) : l.batchNorm(prefix + ".blocks." + i + ".bn", x, channels.get(i), 4, slicesPerSample * h * w);
      x = l.relu(x);
      out.add(x);
      in = channels.get(i);
    }
    out.add(poolLast ? l.maxPool2d(x, 2, 2, 0) : x);
    return out;
  }

  /**
   * torchvision's ResNet-18 without fc (conv1 7x7/2, BN, ReLU, 3x3/2 max-pool, four stages of two
   * basic blocks): the final feature map (N, 8 width, h/32, w/32).
   */
  static SDVariable resnet18(Layers l, String prefix, SDVariable x, long in, int width, int[] hw, long slicesPerSample) {
    long[] size = {out(hw[0], 7, 2, 3), out(hw[1], 7, 2, 3)};
    x = l.conv2d(prefix + ".conv1", x, in, width, 7, 2, 3, false);
    x = l.relu(l.batchNorm(prefix + ".bn1", x, width, 4, slicesPerSample * size[0] * size[1]));
    x = l.maxPool2d(x, 3, 2, 1);
    size = new long[] {out(size[0], 3, 2, 1), out(size[1], 3, 2, 1)};
    long channels = width;
    for (int stage = 0; stage < 4; stage++) {
      long c = (long) width << stage;
      for (int b = 0; b < 2; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        boolean down = b == 0 && (stride != 1 || channels != c);
        String name = prefix + ".layer" + (stage + 1) + "." + b;
        long[] next = {out(size[0], 3, stride, 1), out(size[1], 3, stride, 1)};
        long count = slicesPerSample * next[0] * next[1];
        SDVariable y = l.conv2d(name + ".conv1", x, channels, c, 3, stride, 1, false);
        y = l.relu(l.batchNorm(name + ".bn1", y, c, 4, count));
        y = l.conv2d(name + ".conv2", y, c, c, 3, 1, 1, false);
        y = l.batchNorm(name + ".bn2", y, c, 4, count);
        SDVariable shortcut = x;
        if (down) {
          shortcut = l.conv2d(name + ".downsample.0", x, channels, c, 1, stride, 0, false);
          shortcut = l.batchNorm(name + ".downsample.1", shortcut, c, 4, count);
        }
        x = l.relu(y.add(shortcut));
        channels = c;
        size = next;
      }
    }
    return x;
  }

  private static long out(long size, int kernel, int stride, int padding) {
    return (size + 2L * padding - kernel) / stride + 1;
  }
}
