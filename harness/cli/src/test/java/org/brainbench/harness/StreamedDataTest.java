package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Samples are read from the preprocessing cache when training and evaluation use them, not held
 * in memory: damage done to the cache after the data was indexed is found at that read, named,
 * and repaired with the run's numbers unchanged; {@code cache: {dtype: float16}} stores images at
 * half the bytes and is another configuration.
 */
class StreamedDataTest {
  private static final String SUITE = """
      name: streamed
      builtin: {shape: 16, subjects: 12, seed: 5}
      cache: %s
      datasets: {cls: builtin:classify, seg: builtin:segment}
      preprocess: {shape: 16}
      tasks:
        - {name: cls, type: classify, dataset: cls, classes: [CN, AD], split: {test: 0.3, validation: 0.2}}
        - {name: seg, type: segment, dataset: seg, labels: [1, 2, 4], split: {test: 0.3, validation: 0.2}}
      models:
        - id: cnn3d
          params: {channels: [4, 8, 8], segmentationLevels: 2, dropout: 0}
      training: {epochs: 2, batchSize: 4, learningRate: 0.003}
      threads: 1
      """;

  @TempDir Path dir;

  private BrokenSuitesTest.Result run(String cache, String out) throws IOException {
    Path suite = dir.resolve(out + ".yaml");
    Files.writeString(suite, SUITE.formatted(cache));
    return BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve(out).toString());
  }

  private List<Path> entries(String cache) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(cache).resolve("preprocessed"))) {
      return s.filter(p -> p.toString().endsWith(".bbv")).sorted().toList();
    }
  }

  @Test
  void cacheEntriesDamagedAfterIndexingAreFoundWhenReadNamedAndRecomputed() throws IOException {
    BrokenSuitesTest.Result first = run("cache", "out1");
    assertThat(first.exit()).as(first.err()).isZero();
    List<Path> entries = entries("cache");
    for (Path e : entries) {
      byte[] b = Files.readAllBytes(e);
      b[b.length - 5] ^= 0x40; // a voxel's bit: the header and length stay right, only the checksum can tell
      Files.write(e, b);
    }

    BrokenSuitesTest.Result second = run("cache", "out2");

    assertThat(second.exit()).as(second.err()).isZero();
    for (Path e : entries) {
      assertThat(second.out() + second.err()).contains("warning: " + e + ": damaged cache entry, computed again: voxels whose CRC-32C");
    }
    Map<String, ObjectNode> a = RunSuiteTest.rows(dir.resolve("out1"));
    Map<String, ObjectNode> b = RunSuiteTest.rows(dir.resolve("out2"));
    assertThat(b.keySet()).isEqualTo(a.keySet()).hasSize(2);
    a.forEach((cell, row) -> assertThat(b.get(cell).get("metrics")).as(cell).isEqualTo(row.get("metrics")));
  }

  @Test
  void float16StorageHalvesTheImagesAndIsAnotherConfiguration() throws IOException {
    BrokenSuitesTest.Result full = run("cache32", "out32");
    BrokenSuitesTest.Result half = run("{folder: cache16, dtype: float16}", "out16");

    assertThat(full.exit()).as(full.err()).isZero();
    assertThat(half.exit()).as(half.err()).isZero();
    long fullBytes = 0;
    long halfBytes = 0;
    for (Path p : entries("cache32")) {
      fullBytes += Files.size(p);
    }
    for (Path p : entries("cache16")) {
      halfBytes += Files.size(p);
    }
    Map<String, ObjectNode> a = RunSuiteTest.rows(dir.resolve("out32"));
    Map<String, ObjectNode> b = RunSuiteTest.rows(dir.resolve("out16"));
    // every image channel (one per classification scan, two modalities per tumour scan) saves 2 bytes a voxel; masks stay float32
    long channels = manifestRows("cls") + 2 * manifestRows("seg");
    assertThat(fullBytes - halfBytes).isEqualTo(channels * 16 * 16 * 16 * 2);
    a.forEach((cell, row) -> {
      assertThat(b.get(cell).get("status").asText()).isEqualTo("ok");
      assertThat(b.get(cell).get("provenance").get("configHash")).as(cell).isNotEqualTo(row.get("provenance").get("configHash"));
    });
  }

  /** Scans in a built-in task's manifest. */
  private long manifestRows(String task) throws IOException {
    String folder = task.equals("cls") ? "classify" : "segment";
    try (Stream<Path> s = Files.walk(dir.resolve("cache32"))) {
      Path manifest = s.filter(p -> p.endsWith(Path.of(folder, "manifest.csv"))).findFirst().orElseThrow();
      return Files.readAllLines(manifest).size() - 1L;
    }
  }

  @Test
  void anUnknownCacheDtypeIsASuiteError() throws IOException {
    BrokenSuitesTest.Result r = run("{dtype: float64}", "out");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cache.dtype").contains("float16").doesNotContain("Exception");
  }
}
