package org.brainbench.api.weights;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.brainbench.api.model.PatchInflation;

/**
 * A 2D BEiT checkpoint (unilm/timm names: {@code patch_embed.proj.weight}, {@code
 * blocks.N.attn.relative_position_bias_table}, ...) made into TransSeg's encoder as the authors'
 * {@code load_checkpoint} does (fact sheet docs/models/inflated-vit-zhang2022.md, section 3):
 *
 * <ul>
 *   <li>the patch kernel (E, 3, p, p) summed over RGB, divided by the model's input channels, given
 *       to every channel and spread over the window's depth: only the centre slice ({@code
 *       centering}) or every slice divided by the window ({@code averaging});
 *   <li>each block's relative-position table ((2S-1)^2 + 3 rows for an S x S grid) resampled to the
 *       model's grid by their geometric-progression axis and a not-a-knot bicubic spline (their
 *       scipy {@code interp2d(kind="cubic")}), the three [CLS] rows kept; a shared table ({@code
 *       rel_pos_bias.*}) copied to every block first;
 *   <li>everything else of the encoder under {@code encoder.}; the classifier, the final norms, the
 *       mask token and the index buffers left out.
 * </ul>
 */
public final class BeitInflation {
  private BeitInflation() {}

  /** The tensors of a 2D BEiT under TransSeg's names for a model of this many channels, window and (square) patch grid. */
  public static List<Tensor> toTransSeg(List<Tensor> beit, int channels, int window, PatchInflation mode, int[] grid, int depth) {
    List<Tensor> out = new ArrayList<>();
    Tensor shared = null;
    boolean kernel = false;
    for (Tensor t : StateDicts.plain(beit)) {
      String n = t.name();
      if (n.equals("rel_pos_bias.relative_position_bias_table")) {
        shared = t;
        continue;
      }
      if (n.startsWith("head.") || n.startsWith("fc_norm.") || n.startsWith("norm.") || n.equals("mask_token") || n.startsWith("lm_head.")
          || n.endsWith("relative_position_index") || n.equals("pos_embed")) {
        continue;
      }
      if (n.equals("patch_embed.proj.weight")) {
        long[] s = t.shape();
        float[] w = inflatePatchKernel(t.data(), (int) s[0], (int) s[1], (int) s[2], channels, window, mode);
        out.add(new Tensor("encoder.patch_embed.proj.weight", new long[] {s[0], channels, window, s[2], s[3]}, w));
        kernel = true;
        continue;
      }
      if (n.endsWith(".attn.relative_position_bias_table")) {
        out.add(resized("encoder." + n, t, grid));
        continue;
      }
      out.add(new Tensor("encoder." + n, t.shape(), t.data()));
    }
    if (!kernel) {
      throw new IllegalArgumentException("not a BEiT state dict: no patch_embed.proj.weight");
    }
    if (shared != null) {
      for (int i = 0; i < depth; i++) {
        out.add(resized("encoder.blocks." + i + ".attn.relative_position_bias_table", shared, grid));
      }
    }
    return out;
  }

  private static Tensor resized(String name, Tensor table, int[] grid) {
    long[] s = table.shape();
    float[] r = resizeTable(table.data(), (int) s[0], (int) s[1], grid[0], grid[1]);
    return new Tensor(name, new long[] {r.length / s[1], s[1]}, r);
  }

  /** (E, cin, k, k) to (E, channels, window, k, k): RGB summed, divided by channels, centred or averaged over the window. */
  public static float[] inflatePatchKernel(float[] w2, int e, int cin, int k, int channels, int window, PatchInflation mode) {
    int taps = k * k;
    float[] out = new float[e * channels * window * taps];
    for (int o = 0; o < e; o++) {
      for (int i = 0; i < taps; i++) {
        float gray = 0;
        for (int c = 0; c < cin; c++) {
          gray += w2[(o * cin + c) * taps + i];
        }
        gray /= channels;
        for (int c = 0; c < channels; c++) {
          for (int d = 0; d < window; d++) {
            float v = mode == PatchInflation.CENTERING ? (d == window / 2 ? gray : 0f) : gray / window;
            out[((o * channels + c) * window + d) * taps + i] = v;
          }
        }
      }
    }
    return out;
  }

  /**
   * A relative-position table of {@code rows} = (2S-1)^2 + 3 rows and {@code heads} columns
   * resampled to a gh x gw grid ((2gh-1)(2gw-1) + 3 rows); unchanged when the sizes agree. Only
   * square grids, as theirs.
   */
  public static float[] resizeTable(float[] table, int rows, int heads, int gh, int gw) {
    if (gh != gw) {
      throw new IllegalArgumentException("the authors resize relative-position tables for square patch grids only, got " + gh + "x" + gw);
    }
    int src = (int) Math.round(Math.sqrt(rows - 3));
    if (src * src != rows - 3) {
      throw new IllegalArgumentException("a relative-position table has (2S-1)^2 + 3 rows, got " + rows);
    }
    int dst = 2 * gh - 1;
    if (src == dst) {
      return table.clone();
    }
    double q = geometricRatio(src / 2, dst / 2);
    double[] axis = new double[src];
    double total = 1;
    int half = src / 2;
    axis[half] = 0;
    for (int i = 0; i < half; i++) {
      axis[half + 1 + i] = total;
      axis[half - 1 - i] = -total;
      total += Math.pow(q, i + 1);
    }
    double[] at = new double[dst];
    for (int i = 0; i < dst; i++) {
      at[i] = i - dst / 2;
    }
    RealMatrix a = new Array2DRowRealMatrix(notAKnot(axis, at), false);
    float[] out = new float[(dst * dst + 3) * heads];
    for (int h = 0; h < heads; h++) {
      // A Z A^T for this head's (src x src) image of offsets
      double[][] z = new double[src][src];
      for (int i = 0; i < src; i++) {
        for (int j = 0; j < src; j++) {
          z[i][j] = table[(i * src + j) * heads + h];
        }
      }
      double[][] r = a.multiply(new Array2DRowRealMatrix(z, false)).multiply(a.transpose()).getData();
      for (int i = 0; i < dst; i++) {
        for (int j = 0; j < dst; j++) {
          out[(i * dst + j) * heads + h] = (float) r[i][j];
        }
      }
    }
    for (int extra = 0; extra < 3; extra++) {
      for (int h = 0; h < heads; h++) {
        out[(dst * dst + extra) * heads + h] = table[(src * src + extra) * heads + h];
      }
    }
    return out;
  }

  /**
   * Their bisection on [1.01, 1.5] while the width exceeds 1e-6: q the last midpoint, the right end
   * moved down when 1 + q + ... + q^(srcHalf-1) exceeds dstHalf.
   */
  static double geometricRatio(int srcHalf, int dstHalf) {
    double lo = 1.01;
    double hi = 1.5;
    double q = Double.NaN;
    while (hi - lo > 1e-6) {
      q = (lo + hi) / 2;
      if ((1 - Math.pow(q, srcHalf)) / (1 - q) > dstHalf) {
        hi = q;
      } else {
        lo = q;
      }
    }
    return q;
  }

  /**
   * The matrix A (at.length x x.length) with s(at) = A y for the not-a-knot cubic spline through
   * (x, y); points outside [x0, xn] are clamped to the ends, as FITPACK evaluates.
   */
  static double[][] notAKnot(double[] x, double[] at) {
    int m = x.length;
    double[] h = new double[m - 1];
    for (int i = 0; i < m - 1; i++) {
      h[i] = x[i + 1] - x[i];
    }
    // second derivatives M = S y: continuity of s' inside, not-a-knot (s''' continuous) at both ends
    double[][] lhs = new double[m][m];
    double[][] rhs = new double[m][m];
    for (int i = 1; i < m - 1; i++) {
      lhs[i][i - 1] = h[i - 1];
      lhs[i][i] = 2 * (h[i - 1] + h[i]);
      lhs[i][i + 1] = h[i];
      rhs[i][i - 1] += 6 / h[i - 1];
      rhs[i][i] -= 6 / h[i - 1] + 6 / h[i];
      rhs[i][i + 1] += 6 / h[i];
    }
    lhs[0][0] = -1 / h[0];
    lhs[0][1] = 1 / h[0] + 1 / h[1];
    lhs[0][2] = -1 / h[1];
    lhs[m - 1][m - 3] = -1 / h[m - 3];
    lhs[m - 1][m - 2] = 1 / h[m - 3] + 1 / h[m - 2];
    lhs[m - 1][m - 1] = -1 / h[m - 2];
    double[][] second = new LUDecomposition(new Array2DRowRealMatrix(lhs, false)).getSolver().solve(new Array2DRowRealMatrix(rhs, false)).getData();
    double[][] out = new double[at.length][m];
    for (int r = 0; r < at.length; r++) {
      double t = Math.min(Math.max(at[r], x[0]), x[m - 1]);
      int j = 0;
      while (j < m - 2 && t >= x[j + 1]) {
        j++;
      }
      double a = x[j + 1] - t;
      double b = t - x[j];
      double hj = h[j];
      for (int c = 0; c < m; c++) {
        out[r][c] += a * a * a / (6 * hj) * second[j][c] + b * b * b / (6 * hj) * second[j + 1][c];
        out[r][c] -= hj * a / 6 * second[j][c] + hj * b / 6 * second[j + 1][c];
      }
      out[r][j] += a / hj;
      out[r][j + 1] += b / hj;
    }
    return out;
  }
}
