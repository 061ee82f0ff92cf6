package org.brainbench.cli.data;

import org.brainbench.harness.UserInputException;

/** Parses sizes written as one value ({@code 64}) or three ({@code 64x64x48}, {@code 64,64,48}). */
final class Sizes {
  private Sizes() {}

  static int[] ints(String option, String text) {
    double[] d = doubles(option, text);
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      if (d[i] != Math.rint(d[i])) {
        throw new UserInputException(option + ": \"" + text + "\" must be whole numbers");
      }
      out[i] = (int) d[i];
    }
    return out;
  }

  static double[] doubles(String option, String text) {
    String[] parts = text.trim().split("[x,]");
    if (parts.length != 1 && parts.length != 3) {
      throw new UserInputException(option + ": \"" + text + "\" must be one size or three (XxYxZ)");
    }
    double[] out = new double[3];
    try {
      for (int i = 0; i < 3; i++) {
        out[i] = Double.parseDouble(parts[parts.length == 1 ? 0 : i].trim());
      }
    } catch (NumberFormatException e) {
      throw new UserInputException(option + ": \"" + text + "\" is not a size");
    }
    return out;
  }
}
