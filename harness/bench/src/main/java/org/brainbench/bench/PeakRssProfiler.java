package org.brainbench.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.brainbench.harness.result.Environment;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * Memory of the benchmark's forked JVM, as JMH secondary results: {@code rss.peak} (the process's
 * peak resident set, Linux VmHWM, over setup, warm-up and measurement: heap, native tensors and
 * everything else), and {@code rss.growth}, how much the resident set grew from the end of the first
 * measured iteration to the end of the last (steady training should not grow). Also {@code threads},
 * the intra-op threads the benchmarked model computes with. Use with {@code -prof
 * org.brainbench.bench.PeakRssProfiler}.
 */
public final class PeakRssProfiler implements InternalProfiler {
  /** Set by a benchmark's setup: the threads its model computes with. */
  static volatile int modelThreads = -1;

  private long firstMeasuredRss = -1;

  @Override
  public String getDescription() {
    return "peak and growth of the resident set (Linux /proc/self/status), model threads";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {}

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    List<Result> out = new ArrayList<>();
    Long peak = Environment.peakRssBytes();
    if (peak != null) {
      out.add(new ScalarResult("rss.peak", peak / 1048576.0, "MB", AggregationPolicy.MAX));
    }
    long now = currentRss();
    if (iterationParams.getType() == IterationType.MEASUREMENT && now > 0) {
      if (firstMeasuredRss < 0) {
        firstMeasuredRss = now;
      }
      out.add(new ScalarResult("rss.growth", (now - firstMeasuredRss) / 1048576.0, "MB", AggregationPolicy.MAX));
    }
    if (modelThreads > 0) {
      out.add(new ScalarResult("threads", modelThreads, "threads", AggregationPolicy.MAX));
    }
    return out;
  }

  private static long currentRss() {
    try {
      String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/statm")).trim().split("\\s+");
      return Long.parseLong(fields[1]) * 4096;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }
}
