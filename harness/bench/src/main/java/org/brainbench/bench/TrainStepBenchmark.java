package org.brainbench.bench;

import java.util.concurrent.TimeUnit;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.parity.ParityCase;
import org.brainbench.tasks.TaskType;
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
 * One training step (forward, loss, backward, clipping, AdamW update: {@link Model#trainStep}) and
 * one inference pass ({@link Model#predict}; the masked-prediction loss for pre-training) of every
 * quickstart model on every task, per backend and cubic volume size, on a batch of standard-normal
 * images already in memory (the data pipeline is timed separately: {@code dataWaitSeconds} in every
 * result row). Volumes/s = batch / (seconds per op). Threads: the backend's own rule (all cores for
 * the CNNs, one for models with attention), reported by {@link PeakRssProfiler} as {@code threads}.
 *
 * <p>Each (backend, case, size) runs in its own JVM fork, so {@code rss.peak} is that model's. Every
 * step is timed (sample mode) and the summary reads the median, the statistic the PyTorch
 * reference reports: a DJL step's time has a tail (a 3D CNN step at 32³: median 22 ms, mean 24,
 * 99th percentile 56) that would otherwise weigh on one side of the ratio only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xss4m", "-XX:+UseParallelGC", "-Xmx4g",
    "-Dorg.bytedeco.javacpp.maxbytes=8g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=20g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrainStepBenchmark {
  @Param({"djl", "dl4j"})
  public String backend;

  /**
   * A {@link BenchCases} name ({@code model/task}). No default list: the cases come from the catalogue
   * and the quickstart suite, and {@code bin/bench} passes them ({@code -p model=...}).
   */
  @Param({})
  public String model;

  @Param({"32", "64"})
  public int size;

  @Param({"4"})
  public int batch;

  private Model built;
  private Batch data;
  private float learningRate;

  @Setup(Level.Trial)
  public void setUp() {
    ParityCase c = BenchCases.find(model, size);
    TrainingConfig training = TrainingConfig.defaults();
    learningRate = (float) training.learningRate();
    built = Backends.find(backend).newModel(c.spec(), c.head(), training, 1);
    data = Parity.batch(c.head(), batch, 1, true);
    PeakRssProfiler.modelThreads = built.threads();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    built.close();
  }

  @Benchmark
  public float trainStep() {
    return built.trainStep(data, learningRate);
  }

  @Benchmark
  public Object inference() {
    return data.head().type() == TaskType.PRETRAIN ? built.evaluateLoss(data) : built.predict(data);
  }
}
