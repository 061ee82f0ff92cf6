package org.brainbench.api.backend;

/** One named parameter tensor of a model, in brainbench's neutral naming. */
public record ParameterInfo(String name, long[] shape, boolean trainable) {
  public long size() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
