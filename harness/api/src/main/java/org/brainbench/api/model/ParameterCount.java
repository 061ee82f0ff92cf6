package org.brainbench.api.model;

/** Numbers of learnable scalars: all of them, and those that training updates. */
public record ParameterCount(long total, long trainable) {
  public ParameterCount {
    if (total < 0 || trainable < 0 || trainable > total) {
      throw new IllegalArgumentException("bad parameter count: total " + total + ", trainable " + trainable);
    }
  }

  public static ParameterCount allTrainable(long total) {
    return new ParameterCount(total, total);
  }

  public ParameterCount plus(ParameterCount other) {
    return new ParameterCount(total + other.total, trainable + other.trainable);
  }
}
