package org.brainbench.backend.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;

/**
 * Checks once per process whether the engine's convolutions are right when channels do not fill
 * oneDNN's blocks (see {@link Convolutions}): 3D convolutions with 20 input channels (the forward
 * fault), and with 20 output channels or 8 in and out whose input gradient is needed (the backward
 * fault), each against a direct computation in double precision. If either is wrong, {@link Convolutions} pads
 * channels to whole blocks from then on, and the probe checks that the padded computation is right;
 * if even that is wrong the backend refuses to run rather than train on wrong numbers.
 */
final class ConvolutionProbe {
  /** What the probe found, as provenance records it. */
  enum Verdict {
    /** The engine's convolutions are right as they are. */
    EXACT,
    /** The engine miscomputes partly filled channel blocks; channels are padded to whole blocks. */
    PADDED
  }

  private static final double TOLERANCE = 1e-3;
  private static volatile Verdict verdict;

  private ConvolutionProbe() {}

  static boolean padsChannels() {
    return verdict == Verdict.PADDED;
  }

  /** Sets the verdict (tests check both routes on any CPU); returns the previous one. */
  static synchronized Verdict force(Verdict v) {
    Verdict before = verdict;
    verdict = v;
    return before;
  }

  /**
   * Runs the probe unless it ran (the engine must be started); returns its verdict. The system
   * property {@code brainbench.djl.padChannels=true} pads whatever the probe finds (to measure what
   * padding costs on a CPU without the fault).
   */
  static synchronized Verdict ensure() {
    if (verdict == null && Boolean.getBoolean("brainbench.djl.padChannels")) {
      verdict = Verdict.PADDED;
    }
    if (verdict == null) {
      verdict = Verdict.EXACT;
      if (!correct()) {
        verdict = Verdict.PADDED;
        if (!correct()) {
          throw new IllegalStateException("the PyTorch engine computes 3D convolutions wrongly on this CPU even on whole channel blocks;"
              + " brainbench cannot use the djl backend here (use dl4j)");
        }
      }
    }
    return verdict;
  }

  /**
   * The forward case (20 input channels) and the input-gradient cases (20 output channels; 8 in and
   * out), each against the direct computation.
   */
  private static boolean correct() {
    return maxError(20, 16) < TOLERANCE && maxError(16, 20) < TOLERANCE && maxError(8, 8) < TOLERANCE;
  }

  /**
   * The larger of the output's and the input gradient's largest absolute error, for a 3x3x3
   * convolution (padding 1) of two (in, 6, 6, 6) inputs to {@code out} channels, with the loss
   * sum(y * g) for a fixed g.
   */
  static double maxError(int in, int out) {
    DirectConvolution conv = new DirectConvolution(2, in, out, new int[] {6, 6, 6}, new int[] {3, 3, 3}, new int[] {1, 1, 1}, new int[] {1, 1, 1});
    double[] errors = errors(conv, new SplittableRandom(in * 31L + out));
    return Math.max(errors[0], errors[1]);
  }

  /**
   * The engine's convolution (through {@link Convolutions}, input gradient needed) against the
   * direct one on gaussian data: the largest absolute errors of the output, the input gradient and
   * the weight gradient.
   */
  static double[] errors(DirectConvolution conv, SplittableRandom r) {
    int[] s = conv.size();
    int[] k = conv.kernel();
    int[] o = conv.outSize();
    float[] x = gaussian(r, conv.n() * conv.in() * s[0] * s[1] * s[2], 1);
    float[] w = gaussian(r, conv.out() * conv.in() * k[0] * k[1] * k[2], 0.1);
    float[] g = gaussian(r, conv.n() * conv.out() * o[0] * o[1] * o[2], 1);
    DirectConvolution.Result expected = conv.run(x, w, g);
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray xa = m.create(x, new Shape(conv.n(), conv.in(), s[0], s[1], s[2]));
      NDArray wa = m.create(w, new Shape(conv.out(), conv.in(), k[0], k[1], k[2]));
      NDArray ga = m.create(g, new Shape(conv.n(), conv.out(), o[0], o[1], o[2]));
      xa.setRequiresGradient(true);
      wa.setRequiresGradient(true);
      NDArray ya;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        ya = Convolutions.conv(xa, wa, null, shape(conv.stride()), shape(conv.padding()), new Shape(1, 1, 1), true);
        gc.backward(ya.mul(ga).sum());
      }
      return new double[] {maxDifference(ya.toFloatArray(), expected.y()), maxDifference(xa.getGradient().toFloatArray(), expected.dx()),
        maxDifference(wa.getGradient().toFloatArray(), expected.dw())};
    }
  }

  private static Shape shape(int[] a) {
    return new Shape(a[0], a[1], a[2]);
  }

  private static float[] gaussian(SplittableRandom r, int size, double sd) {
    float[] a = new float[size];
    for (int i = 0; i < size; i++) {
      a[i] = (float) (r.nextGaussian() * sd);
    }
    return a;
  }

  private static double maxDifference(float[] actual, double[] expected) {
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs(actual[i] - expected[i]);
      max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
    }
    return max;
  }
}
