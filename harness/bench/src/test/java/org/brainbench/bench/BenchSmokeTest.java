package org.brainbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmarks start and report what the summary reads (the real runs are `bin/bench`, not CI):
 * one training step benchmark and one NIfTI benchmark in-process with the shortest settings, then
 * the summary over their JSON with a reference row beside it.
 */
class BenchSmokeTest {
  @TempDir Path dir;

  private static ChainedOptionsBuilder quick() {
    return new OptionsBuilder()
        .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200))
        .shouldFailOnError(true);
  }

  @Test
  void trainStepBenchmarkRunsAndReportsMemoryAndThreads() throws Exception {
    Options options = quick().include(TrainStepBenchmark.class.getSimpleName() + ".trainStep")
        .param("backend", "djl").param("model", "cnn3d/classify").param("size", "32").param("batch", "2")
        .addProfiler(PeakRssProfiler.class)
        .resultFormat(ResultFormatType.JSON).result(dir.resolve("steps.json").toString()).build();
    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).hasSize(1);
    RunResult r = results.iterator().next();
    assertThat(r.getPrimaryResult().getScore()).isPositive();
    assertThat(r.getSecondaryResults()).containsKeys("rss.peak", "rss.growth", "threads");
    assertThat(r.getSecondaryResults().get("rss.peak").getScore()).isGreaterThan(50); // MB: a JVM with PyTorch loaded
    // the DJL backend's pinned intra-op threads (Surefire pins 1; the launcher all cores)
    int pinned = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
    assertThat(r.getSecondaryResults().get("threads").getScore()).isEqualTo(pinned);

    // the summary puts the reference beside it and states the ratio: reference ms / brainbench's
    // median ms (every step is timed)
    double djlMs = r.getPrimaryResult().getStatistics().getPercentile(50);
    Files.writeString(dir.resolve("torch-steps.json"),
        "[{\"case\":\"cnn3d/classify\",\"size\":32,\"batch\":2,\"msPerStepMedian\":" + (2 * djlMs) + ",\"trainFlops\":1e9}]");
    BenchSummary.main(new String[] {dir.toString()});
    String summary = Files.readString(dir.resolve("SUMMARY.md"));
    assertThat(summary).contains("| cnn3d/classify | 32³ |").contains("| 2.00 |");
  }

  @Test
  void niftiBenchmarkDecodesTheShippedBrainAt1mm() throws Exception {
    Options options = quick().include(NiftiDecodeBenchmark.class.getSimpleName() + ".decode$")
        .param("file", "uint8.nii.gz").build();
    Collection<RunResult> results = new Runner(options).run();

    assertThat(results).hasSize(1);
    assertThat(results.iterator().next().getPrimaryResult().getScore()).isPositive();
  }
}
