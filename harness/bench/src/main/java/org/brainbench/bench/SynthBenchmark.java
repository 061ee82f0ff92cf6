package org.brainbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.synth.BrainTemplate;
import org.brainbench.tasks.synth.SynthDatasetWriter;
import org.brainbench.tasks.synth.SynthSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in dataset: time to simulate and write 20 regression subjects (20 scans plus follow-ups
 * off) at a cubic size, on all cores. Subjects per minute = 20 * 60000 / (ms per op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class SynthBenchmark {
  @Param({"64", "96"})
  public int size;

  @Param({"regress", "segment"})
  public String task;

  private Path out;

  @Setup
  public void setUp() throws IOException {
    BrainTemplate.shared();
    out = Files.createTempDirectory("bench-synth");
  }

  @Benchmark
  public void twentySubjects() throws IOException {
    SynthSettings s = new SynthSettings(new int[] {size, size, size}, null, 1, 20, List.of(TaskType.fromId(task)), 0,
        Runtime.getRuntime().availableProcessors());
    SynthDatasetWriter.write(out, s, n -> {});
  }
}
