package org.brainbench.backend.dl4j;

import org.brainbench.backend.dl4j.NamedGraph.Init;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * timm's pre-norm Transformer block on (B, T, E), as the DJL backend's {@code TransformerBlock}:
 * x + attn(norm1(x)), then x + mlp(norm2(x)); LayerNorm eps 1e-6, a fused qkv projection (stored
 * 3E x E as timm does, split in the graph), softmax attention, exact (erf) GELU. Layer norm, GELU
 * and softmax are written from elementary ops: SameDiff's own GELU is an approximation and its
 * softmax with an axis cannot be differentiated in 1.0.0-M2.1.
 */
final class TransformerLayers {
  private TransformerLayers() {}

  /** LayerNorm over the last axis of a rank-3 tensor, eps 1e-6. */
  static SDVariable layerNorm(Layers l, String prefix, SDVariable x, long dim) {
    SDVariable centred = x.sub(x.mean(true, 2));
    SDVariable var = centred.mul(centred).mean(true, 2);
    SDVariable gamma = l.parameter(prefix + ".weight", Init.ONES, 0, dim);
    SDVariable beta = l.parameter(prefix + ".bias", Init.ZEROS, 0, dim);
    return centred.mul(var.add(1e-6).pow(-0.5)).mul(gamma).add(beta);
  }

  /** A linear layer on (B, T, in) to (B, T, out). */
  static SDVariable linear(Layers l, String prefix, SDVariable x, long tokens, long in, long out, Init init) {
    return linear(l, prefix, x, tokens, in, out, init, in);
  }

  /** The same, the weight initialised as {@code init} says with this fan argument. */
  static SDVariable linear(Layers l, String prefix, SDVariable x, long tokens, long in, long out, Init init, long fan) {
    return l.linear(prefix, x.reshape(-1, in), in, out, init, fan).reshape(-1, tokens, out);
  }

  /** 0.5 x (1 + erf(x / sqrt 2)), PyTorch's default GELU. */
  static SDVariable gelu(Layers l, SDVariable x) {
    return x.mul(l.sd.math().erf(x.mul(1 / Math.sqrt(2))).add(1)).mul(0.5);
  }

  static SDVariable softmaxLastAxis(Layers l, SDVariable x, int axis) {
    return l.sd.math().exp(TaskLosses.logSoftmax(l.sd, x, axis));
  }

  static SDVariable block(Layers l, String prefix, SDVariable x, long tokens, long dim, long hidden, int heads, double dropout) {
    long d = dim / heads;
    SDVariable h = layerNorm(l, prefix + ".norm1", x, dim);
    SDVariable w = l.parameter(prefix + ".attn.qkv.weight", Init.TRUNC_NORMAL, dim, 3 * dim, dim);
    SDVariable b = l.parameter(prefix + ".attn.qkv.bias", Init.ZEROS, 0, 3 * dim);
    SDVariable flat = h.reshape(-1, dim);
    SDVariable[] qkv = new SDVariable[3];
    for (int i = 0; i < 3; i++) {
      SDVariable wi = w.get(SDIndex.interval((long) i * dim, (long) (i + 1) * dim));
      SDVariable bi = b.get(SDIndex.interval((long) i * dim, (long) (i + 1) * dim));
      qkv[i] = l.sd.mmul(flat, wi, false, true, false).add(bi).reshape(-1, tokens, heads, d).permute(0, 2, 1, 3); // (B, H, T, d)
    }
    SDVariable scores = l.sd.mmul(qkv[0], qkv[1], false, true, false).mul(1 / Math.sqrt(d));
    SDVariable attn = softmaxLastAxis(l, scores, 3);
    SDVariable out = l.sd.mmul(attn, qkv[2]).permute(0, 2, 1, 3).reshape(-1, tokens, dim);
    out = linear(l, prefix + ".attn.proj", out, tokens, dim, dim, Init.TRUNC_NORMAL);
    x = x.add(l.dropout(out, dropout, tokens, dim));
    h = layerNorm(l, prefix + ".norm2", x, dim);
    h = gelu(l, linear(l, prefix + ".mlp.fc1", h, tokens, dim, hidden, Init.TRUNC_NORMAL));
    h = l.dropout(h, dropout, tokens, hidden);
    h = linear(l, prefix + ".mlp.fc2", h, tokens, hidden, dim, Init.TRUNC_NORMAL);
    return x.add(l.dropout(h, dropout, tokens, dim));
  }
}
