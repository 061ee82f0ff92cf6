package org.brainbench.api.weights;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a torchvision ResNet-18 state dict (safetensors with torchvision's names: {@code
 * conv1.weight}, {@code layer2.0.downsample.0.weight}, ...) onto brainbench's ResNet-18 encoder,
 * whose names are the same under {@code encoder.}. {@code conv1}'s RGB kernels are adapted to the
 * input channels (timm's rule, see {@link Inflation}); {@code fc.*} and {@code num_batches_tracked}
 * counters are left out.
 */
public final class TorchvisionResnet {
  private TorchvisionResnet() {}

  public static List<Tensor> toEncoder(List<Tensor> torchvision, int inputChannels, String prefix) {
    List<Tensor> out = new ArrayList<>();
    boolean conv1 = false;
    for (Tensor t : torchvision) {
      String n = t.name();
      if (n.startsWith("fc.") || n.endsWith("num_batches_tracked")) {
        continue;
      }
      if (n.equals("conv1.weight")) {
        conv1 = true;
        long[] s = t.shape();
        float[] w = Inflation.adaptChannels(t.data(), (int) s[0], (int) s[1], inputChannels, (int) (s[2] * s[3]));
        out.add(new Tensor(prefix + ".conv1.weight", new long[] {s[0], inputChannels, s[2], s[3]}, w));
        continue;
      }
      out.add(new Tensor(prefix + "." + n, t.shape(), t.data()));
    }
    if (!conv1) {
      throw new IllegalArgumentException("not a torchvision ResNet state dict: no conv1.weight");
    }
    return out;
  }
}
