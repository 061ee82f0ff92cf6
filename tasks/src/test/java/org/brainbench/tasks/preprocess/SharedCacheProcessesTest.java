package org.brainbench.tasks.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.brainbench.tasks.preprocess.PreprocessCache.Kind;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards on several machines share one cache folder: two processes that write the same entries at
 * once never leave a damaged or half-written one, and both get the right volumes.
 */
class SharedCacheProcessesTest {
  @TempDir Path dir;

  static Volume volume(int k) {
    Grid g = new Grid(32, 32, 32, Affine.diagonal(1, 1, 1));
    float[] v = new float[g.voxelCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = k * 1000 + i * 0.5f;
    }
    return Volume.of(g, v);
  }

  /** One writer: gets 40 entries (each computed slowly enough to overlap the other process), checks each, prints "ok" and the damaged count. */
  public static void main(String[] args) throws Exception {
    Path cacheDir = Path.of(args[0]);
    Path sources = Path.of(args[1]);
    PreprocessCache cache = new PreprocessCache(cacheDir, w -> System.out.println("warning " + w));
    for (int k = 0; k < 40; k++) {
      int key = k;
      Volume v = cache.get(List.of(sources.resolve("s" + k + ".nii")), Kind.IMAGE, PreprocessSpec.toShape(8, 8, 8), () -> {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return volume(key);
      });
      if (!v.equals(volume(k))) {
        System.out.println("wrong volume " + k);
        System.exit(1);
      }
    }
    System.out.println("ok damaged=" + cache.damaged());
  }

  @Test
  void twoProcessesWritingTheSameEntriesNeverCorruptOne() throws Exception {
    Path cacheDir = dir.resolve("cache");
    Path sources = Files.createDirectories(dir.resolve("src"));
    for (int k = 0; k < 40; k++) {
      Files.writeString(sources.resolve("s" + k + ".nii"), "source " + k);
    }
    List<Process> writers = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      writers.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
          SharedCacheProcessesTest.class.getName(), cacheDir.toString(), sources.toString()).redirectErrorStream(true).start());
    }
    for (Process w : writers) {
      String out = new String(w.getInputStream().readAllBytes());
      assertThat(w.waitFor()).as(out).isZero();
      assertThat(out).contains("ok damaged=0").doesNotContain("warning");
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      List<Path> files = s.toList();
      assertThat(files).hasSize(40).allMatch(f -> f.toString().endsWith(".bbv"));
      for (Path f : files) {
        assertThat(VolumeFile.read(f).grid().voxelCount()).isEqualTo(32 * 32 * 32);
      }
    }
  }
}
