package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Constants in a differentiated forward pass survive until the backward pass: the gradient of
 * {@code c * x} is {@code c} times the incoming gradient even when the garbage collector has run
 * and the memory DJL's own scalar ops borrow has been reused in between (see {@link Scalars}).
 */
class ScalarsTest {
  private static final int SIZE = 4096;
  private static final float[] X = gaussian(1);
  private static final float[] G = gaussian(2);

  @BeforeAll
  static void startEngine() {
    DjlBackend.engine();
  }

  @Test
  void gradientsOfScaledTensorsAreExactAfterTheCollectorRuns() {
    for (int rep = 0; rep < 20; rep++) {
      float[] dx = gradient((x, c) -> Scalars.mul(x, c), 0.125);
      for (int i = 0; i < SIZE; i++) {
        assertThat(dx[i]).as("rep %d element %d", rep, i).isEqualTo(0.125f * G[i]); // a power of two: exact
      }
      float[] dd = gradient((x, c) -> Scalars.div(x, c), 4);
      for (int i = 0; i < SIZE; i++) {
        assertThat(dd[i]).as("rep %d element %d", rep, i).isEqualTo(0.25f * G[i]);
      }
      float[] dm = gradient((x, c) -> Scalars.maximum(x, c), 0);
      for (int i = 0; i < SIZE; i++) {
        assertThat(dm[i]).as("rep %d element %d", rep, i).isEqualTo(X[i] > 0 ? G[i] : 0f);
      }
    }
  }

  /**
   * No model multiplies, divides or clamps by a number through DJL's own scalar ops (which break
   * the backward pass at random); {@link Scalars} does it. Catches the literal and cast forms.
   */
  @Test
  void modelsDoNotUseDjlScalarOps() throws IOException {
    Pattern scalarOp = Pattern.compile("\\.(mul|div|maximum|minimum|pow)\\(\\s*(\\((float|double|int|long)\\)|-?[0-9]|Math\\.)");
    List<String> found = new ArrayList<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (!line.startsWith("*") && !line.startsWith("//") && scalarOp.matcher(line).find()) {
            found.add(source.getFileName() + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    assertThat(found).as("use Scalars.mul/div/maximum for constants").isEmpty();
  }

  /**
   * The gradient of sum(op(x, c) * g) in x, with the garbage collector run and freed direct memory
   * overwritten between the forward and the backward pass.
   */
  private static float[] gradient(BiFunction<NDArray, Double, NDArray> op, double c) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(X).duplicate();
      NDArray g = m.create(G).duplicate();
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = op.apply(x, c).mul(g).sum();
        scribble();
        gc.backward(loss);
      }
      return x.getGradient().toFloatArray();
    }
  }

  /** Frees what the collector can free, then fills new direct buffers (reusing that memory) with NaN. */
  private static void scribble() {
    System.gc();
    List<ByteBuffer> fill = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 + (i % 16) * 4);
      while (b.remaining() >= 4) {
        b.putFloat(Float.NaN);
      }
      fill.add(b);
    }
  }

  private static float[] gaussian(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }
}
