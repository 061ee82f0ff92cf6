package org.brainbench.api.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.model.PatchInflation;
import org.brainbench.api.model.TaskHead;

/**
 * Inflates 2D ViT weights (timm's names: {@code patch_embed.proj.*}, {@code cls_token}, {@code
 * pos_embed}, {@code blocks.*}, {@code norm.*}) into the 3D ViT of an {@code InflatedVitSpec}:
 *
 * <ul>
 *   <li>patch kernel [E, Cin, p, p] to [E, C, p, p, p]: input channels adapted as timm's {@code
 *       adapt_input_conv} does (C = 1: the channels summed; Cin = 3 and C > 1: the RGB kernels
 *       repeated over C channels and scaled by 3 / C; other Cin != C: summed, repeated and divided
 *       by C); then {@code centering} puts the kernel in the middle depth slice (index p / 2) with
 *       zeros elsewhere, {@code averaging} repeats it over depth divided by p;
 *   <li>position embeddings [1, 1 + Gh·Gw, E] to [1, 1 + d·h·w, E]: the [CLS] entry kept, the
 *       grid resized bilinearly (half-pixel centres) to h x w and repeated over the d depth slices;
 *   <li>Transformer blocks, final norm and [CLS] token copied; everything else (classifier head,
 *       pre-training heads) left out.
 * </ul>
 * A checkpoint without the patch embedding, [CLS] token or position embeddings, or whose
 * embedding width or patch size differ, fails with a message listing every mismatch; other shape
 * mismatches are reported by the model's import.
 */
public final class Inflation {
  /** The 3D ViT weights are inflated into: its token width, patch side and inflation rule. */
  public record Target(int dim, int patch, PatchInflation inflation) {}

  private Inflation() {}

  public static List<Tensor> inflate(List<Tensor> vit2d, Target spec, TaskHead head) {
    Map<String, Tensor> byName = new java.util.LinkedHashMap<>();
    vit2d.forEach(t -> byName.put(t.name(), t));
    List<String> problems = new ArrayList<>();
    for (String required : List.of("patch_embed.proj.weight", "patch_embed.proj.bias", "cls_token", "pos_embed")) {
      if (!byName.containsKey(required)) {
        problems.add("missing " + required);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("not a 2D ViT checkpoint with timm names: " + String.join("; ", problems));
    }
    List<Tensor> out = new ArrayList<>();
    Tensor kernel = byName.get("patch_embed.proj.weight");
    long[] ks = kernel.shape();
    if (ks.length != 4 || ks[0] != spec.dim() || ks[2] != spec.patch() || ks[3] != spec.patch()) {
      problems.add("patch_embed.proj.weight is " + java.util.Arrays.toString(ks) + ", inflating to dim " + spec.dim() + " and patch "
          + spec.patch() + " needs [" + spec.dim() + ", C, " + spec.patch() + ", " + spec.patch() + "]");
    }
    Tensor pos = byName.get("pos_embed");
    long grid2d = pos.shape().length == 3 ? pos.shape()[1] - 1 : -1;
    long side = Math.round(Math.sqrt(grid2d));
    if (pos.shape().length != 3 || pos.shape()[2] != spec.dim() || side * side != grid2d) {
      problems.add("pos_embed is " + java.util.Arrays.toString(pos.shape()) + ", expected [1, 1 + G*G, " + spec.dim() + "]");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot inflate: " + String.join("; ", problems));
    }
    out.add(kernel3d(kernel, head.inputChannels(), spec));
    out.add(byName.get("patch_embed.proj.bias"));
    out.add(byName.get("cls_token"));
    int[] s = head.inputShape();
    int p = spec.patch();
    out.add(positions(pos, (int) side, s[0] / p, s[1] / p, s[2] / p));
    for (Map.Entry<String, Tensor> e : byName.entrySet()) {
      if (e.getKey().startsWith("blocks.") || e.getKey().startsWith("norm.")) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** [E, Cin, p, p] to [E, C, p, p, p]. */
  static Tensor kernel3d(Tensor k2, int channels, Target spec) {
    int e = (int) k2.shape()[0];
    int cin = (int) k2.shape()[1];
    int p = spec.patch();
    float[] adapted = adaptChannels(k2.data(), e, cin, channels, p * p);
    float[] out = new float[e * channels * p * p * p];
    for (int o = 0; o < e; o++) {
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < p * p; i++) {
          float v = adapted[(o * channels + c) * p * p + i];
          for (int d = 0; d < p; d++) {
            float w = spec.inflation() == PatchInflation.CENTERING ? (d == p / 2 ? v : 0f) : v / p;
            out[((o * channels + c) * p + d) * p * p + i] = w;
          }
        }
      }
    }
    return new Tensor(k2.name(), new long[] {e, channels, p, p, p}, out);
  }

  /** timm's adapt_input_conv on [out, cin, taps] weights: adapted to {@code c} input channels. */
  public static float[] adaptChannels(float[] w, int out, int cin, int c, int taps) {
    if (cin == c) {
      return w.clone();
    }
    float[] summed = new float[out * taps];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < cin; i++) {
        for (int t = 0; t < taps; t++) {
          summed[o * taps + t] += w[(o * cin + i) * taps + t];
        }
      }
    }
    if (c == 1) {
      return summed;
    }
    float[] result = new float[out * c * taps];
    for (int o = 0; o < out; o++) {
      for (int j = 0; j < c; j++) {
        for (int t = 0; t < taps; t++) {
          result[(o * c + j) * taps + t] = cin == 3
              ? w[(o * cin + j % 3) * taps + t] * 3f / c
              : summed[o * taps + t] / c;
        }
      }
    }
    return result;
  }

  /** [1, 1 + G·G, E] to [1, 1 + d·h·w, E]: bilinear in-plane, repeated over depth. */
  static Tensor positions(Tensor pos, int g, int d, int h, int w) {
    int e = (int) pos.shape()[2];
    float[] src = pos.data();
    float[] out = new float[(1 + d * h * w) * e];
    System.arraycopy(src, 0, out, 0, e);
    for (int y = 0; y < h; y++) {
      double sy = Math.min(Math.max((y + 0.5) * g / h - 0.5, 0), g - 1);
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(y0 + 1, g - 1);
      double fy = sy - y0;
      for (int x = 0; x < w; x++) {
        double sx = Math.min(Math.max((x + 0.5) * g / w - 0.5, 0), g - 1);
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min(x0 + 1, g - 1);
        double fx = sx - x0;
        for (int k = 0; k < e; k++) {
          double v = (1 - fy) * ((1 - fx) * src[(1 + y0 * g + x0) * e + k] + fx * src[(1 + y0 * g + x1) * e + k])
              + fy * ((1 - fx) * src[(1 + y1 * g + x0) * e + k] + fx * src[(1 + y1 * g + x1) * e + k]);
          for (int z = 0; z < d; z++) {
            out[(1 + (z * h + y) * w + x) * e + k] = (float) v;
          }
        }
      }
    }
    return new Tensor("pos_embed", new long[] {1, 1 + (long) d * h * w, e}, out);
  }
}
