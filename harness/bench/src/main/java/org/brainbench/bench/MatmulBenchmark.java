package org.brainbench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's practical compute limit: a float32 n x n matrix product through each backend's
 * native library (PyTorch's BLAS under DJL, ND4J's under Deeplearning4j) on all cores.
 * GFLOP/s = 2 n^3 / (seconds per op) / 1e9; the summary divides each model's FLOPs per training
 * step by this to give the fraction of peak a step reaches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class MatmulBenchmark {
  @Param({"1024"})
  public int n;

  private NDManager manager;
  private NDArray a;
  private NDArray b;
  private INDArray x;
  private INDArray y;

  @Setup(Level.Trial)
  public void setUp() {
    // the DJL backend pins PyTorch's threads the same way (all cores unless configured)
    System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    manager = NDManager.newBaseManager();
    a = manager.randomNormal(new Shape(n, n));
    b = manager.randomNormal(new Shape(n, n));
    x = Nd4j.randn(DataType.FLOAT, n, n);
    y = Nd4j.randn(DataType.FLOAT, n, n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  @Benchmark
  public float djl() {
    try (NDArray c = a.matMul(b)) {
      return c.getFloat(0, 0);
    }
  }

  @Benchmark
  public float nd4j() {
    INDArray c = x.mmul(y);
    float v = c.getFloat(0, 0);
    c.close();
    return v;
  }
}
