package org.brainbench.tasks.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.brainbench.tasks.io.Float16;
import org.brainbench.tasks.preprocess.PreprocessCache.Kind;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessCacheTest {
  private static final PreprocessSpec SPEC = PreprocessSpec.toShape(4, 4, 4);

  @TempDir Path dir;

  private Path cacheDir;
  private Path source;
  private PreprocessCache cache;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A two-channel volume on an oblique grid, with a NaN and extreme values, so the stored form must be exact. */
  private static Volume volume(float offset) {
    Affine oblique = Affine.of(new double[] {0.9, 0.1, 0, -0.1, 0.9, 0.05, 0, -0.05, 2.5}, new double[] {-90.25, 126.125, -72.5});
    Grid g = new Grid(3, 4, 5, oblique);
    float[][] ch = new float[2][g.voxelCount()];
    for (int i = 0; i < g.voxelCount(); i++) {
      ch[0][i] = offset + i * 0.1f;
      ch[1][i] = -offset - i;
    }
    ch[1][3] = Float.NaN;
    ch[0][0] = Float.MAX_VALUE;
    ch[0][1] = -Float.MIN_VALUE;
    return new Volume(g, ch);
  }

  private PreprocessCache.Computation counting(Volume v) {
    return () -> {
      calls.incrementAndGet();
      return v;
    };
  }

  @BeforeEach
  void setUp() throws IOException {
    cacheDir = dir.resolve("cache/nested");
    source = Files.writeString(dir.resolve("t1.nii"), "pretend NIfTI bytes");
    cache = new PreprocessCache(cacheDir, warnings::add);
  }

  private List<Path> entries() throws IOException {
    if (!Files.isDirectory(cacheDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void aSecondGetForTheSameFilesAndSpecDoesNotCompute() throws IOException {
    Volume v = volume(1);

    Volume first = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(v));
    Volume second = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(99)));

    assertThat(calls).hasValue(1);
    assertThat(first).isEqualTo(v);
    assertThat(second).isEqualTo(v);
    assertThat(second.affine()).isEqualTo(v.affine());
    assertThat(cache.misses()).isEqualTo(1);
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(entries()).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
        .isEqualTo(PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC) + ".bbv"));
    assertThat(cache.folder()).isEqualTo(cacheDir);
  }

  @Test
  void entriesOutliveTheCacheObjectThatWroteThem() throws IOException {
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));

    PreprocessCache nextRun = new PreprocessCache(cacheDir);
    Volume v = nextRun.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(2)));

    assertThat(calls).hasValue(1);
    assertThat(v).isEqualTo(volume(1));
    assertThat(nextRun.hits()).isEqualTo(1);
    assertThat(nextRun.misses()).isZero();
  }

  @Test
  void anotherSpecOrKindIsAnotherEntry() throws IOException {
    PreprocessSpec other = PreprocessSpec.toShape(4, 4, 5);
    PreprocessSpec noClip = new PreprocessSpec(true, null, new int[] {4, 4, 4}, null, null, Normalization.ZSCORE);
    String key = PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC);

    assertThat(PreprocessCache.key(List.of(source), Kind.IMAGE, other)).isNotEqualTo(key);
    assertThat(PreprocessCache.key(List.of(source), Kind.IMAGE, noClip)).isNotEqualTo(key);
    assertThat(PreprocessCache.key(List.of(source), Kind.LABELS, SPEC)).isNotEqualTo(key);
    // an equal spec built separately is the same entry
    assertThat(PreprocessCache.key(List.of(source), Kind.IMAGE, PreprocessSpec.toShape(4, 4, 4))).isEqualTo(key);

    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    Volume b = cache.get(List.of(source), Kind.IMAGE, other, counting(volume(2)));
    Volume c = cache.get(List.of(source), Kind.LABELS, SPEC, counting(volume(3)));

    assertThat(calls).hasValue(3);
    assertThat(b).isEqualTo(volume(2));
    assertThat(c).isEqualTo(volume(3));
    assertThat(entries()).hasSize(3);
  }

  @Test
  void aNewModificationTimeIsANewKey() throws IOException {
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    String before = PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC);

    Files.setLastModifiedTime(source, FileTime.fromMillis(Files.getLastModifiedTime(source).toMillis() + 5_000));
    Volume v = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(2)));

    assertThat(PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC)).isNotEqualTo(before);
    assertThat(calls).hasValue(2);
    assertThat(v).isEqualTo(volume(2));
  }

  @Test
  void aNewSizeIsANewKeyEvenWithTheSameModificationTime() throws IOException {
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    String before = PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC);
    FileTime mtime = Files.getLastModifiedTime(source);

    Files.writeString(source, "!", StandardOpenOption.APPEND);
    Files.setLastModifiedTime(source, mtime);
    Volume v = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(2)));

    assertThat(PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC)).isNotEqualTo(before);
    assertThat(calls).hasValue(2);
    assertThat(v).isEqualTo(volume(2));
  }

  @Test
  void theKeyNamesEverySourceInOrder() throws IOException {
    Path flair = Files.writeString(dir.resolve("flair.nii"), "pretend NIfTI bytes");
    Files.setLastModifiedTime(flair, Files.getLastModifiedTime(source));

    String t1 = PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC);
    String fl = PreprocessCache.key(List.of(flair), Kind.IMAGE, SPEC);
    String both = PreprocessCache.key(List.of(source, flair), Kind.IMAGE, SPEC);
    String swapped = PreprocessCache.key(List.of(flair, source), Kind.IMAGE, SPEC);

    assertThat(List.of(t1, fl, both, swapped)).doesNotHaveDuplicates();
    assertThat(t1).matches("[0-9a-f]{64}");
    // a relative path to the same file is the same entry
    Path relative = Path.of("").toAbsolutePath().relativize(source.toAbsolutePath());
    assertThat(PreprocessCache.key(List.of(relative), Kind.IMAGE, SPEC)).isEqualTo(t1);
  }

  @Test
  void aMissingSourceIsAnError() {
    assertThatThrownBy(() -> cache.get(List.of(dir.resolve("gone.nii")), Kind.IMAGE, SPEC, counting(volume(1))))
        .isInstanceOf(NoSuchFileException.class);
    assertThat(calls).hasValue(0);
  }

  @Test
  void aCorruptOrTruncatedEntryIsRecomputed() throws IOException {
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    Path entry = entries().get(0);
    byte[] good = Files.readAllBytes(entry);
    List<byte[]> damaged = new ArrayList<>();
    damaged.add(new byte[0]);
    damaged.add(java.util.Arrays.copyOf(good, 10));                 // inside the header
    damaged.add(java.util.Arrays.copyOf(good, good.length / 2));    // inside the voxels
    damaged.add(java.util.Arrays.copyOf(good, good.length - 1));    // one byte short
    damaged.add(java.util.Arrays.copyOf(good, good.length + 4));    // trailing bytes
    byte[] badMagic = good.clone();
    badMagic[0] = 'X';
    damaged.add(badMagic);
    byte[] olderFormat = good.clone();
    olderFormat[7] = '1'; // BBVOL001, before the checksum: replaced silently
    damaged.add(olderFormat);
    byte[] badShape = good.clone();
    badShape[8] = 0; // nx = 0 (little-endian int after the 8-byte magic)
    badShape[9] = 0;
    damaged.add(badShape);
    byte[] flipped = good.clone();
    flipped[good.length - 7] ^= 0x10; // one bit of one voxel: the length is right, the checksum is not
    damaged.add(flipped);

    int expectedCalls = 1;
    for (byte[] bytes : damaged) {
      Files.write(entry, bytes);
      Volume v = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
      expectedCalls++;
      assertThat(calls).as("recomputed after damage of %d bytes", bytes.length).hasValue(expectedCalls);
      if (bytes != olderFormat) {
        assertThat(warnings).as("reported with its path").last().asString().startsWith(entry + ": damaged cache entry, computed again: ");
      }
      assertThat(v).isEqualTo(volume(1));
      // the entry was rewritten whole: the next get is a hit
      assertThat(Files.readAllBytes(entry)).isEqualTo(good);
      cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
      assertThat(calls).hasValue(expectedCalls);
    }
    assertThat(cache.damaged()).isEqualTo(damaged.size() - 1);
    assertThat(warnings).hasSize(damaged.size() - 1).noneMatch(w -> w.contains("older format"));
    assertThat(warnings).anySatisfy(w -> assertThat(w).contains("CRC-32C").contains("corrupted"))
        .anySatisfy(w -> assertThat(w).contains("(truncated)"));
  }

  @Test
  void aFailedComputationLeavesNoEntry() throws IOException {
    assertThatThrownBy(() -> cache.get(List.of(source), Kind.IMAGE, SPEC, () -> {
      throw new IOException("decoder failed");
    })).hasMessage("decoder failed");

    assertThat(entries()).isEmpty();
    assertThat(cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)))).isEqualTo(volume(1));
  }

  @RepeatedTest(5)
  void concurrentGetsOfOneEntryBothGetEqualVolumesAndLeaveNoTempFiles() throws Exception {
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    Volume expected = volume(7);
    PreprocessCache.Computation slow = () -> {
      calls.incrementAndGet();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return volume(7);
    };
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Volume>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        // each thread has its own cache object on the shared folder, as separate runs would
        PreprocessCache own = new PreprocessCache(cacheDir);
        Callable<Volume> task = () -> {
          start.await(5, TimeUnit.SECONDS);
          return own.get(List.of(source), Kind.IMAGE, SPEC, slow);
        };
        results.add(pool.submit(task));
      }
      for (Future<Volume> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(calls.get()).isBetween(1, threads);
    assertThat(entries()).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).endsWith(".bbv").doesNotStartWith("."));
    assertThat(cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(0)))).isEqualTo(expected);
    assertThat(cache.hits()).isEqualTo(1);
  }

  @Test
  void concurrentGetsOfDifferentEntriesEachGetTheirOwn() throws Exception {
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Volume>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int shape = 2 + t;
        results.add(pool.submit(() -> {
          start.await(5, TimeUnit.SECONDS);
          return cache.get(List.of(source), Kind.IMAGE, PreprocessSpec.toShape(shape, 2, 2), counting(volume(shape)));
        }));
      }
      for (int t = 0; t < threads; t++) {
        assertThat(results.get(t).get(10, TimeUnit.SECONDS)).isEqualTo(volume(2 + t));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(entries()).hasSize(threads).allSatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".bbv"));
    assertThat(cache.misses()).isEqualTo(threads);
  }

  @Test
  void float16ImagesTakeHalfTheBytesAndReadBackRounded() throws IOException {
    PreprocessSpec half = SPEC.withCacheDtype(CacheDtype.FLOAT16);
    Volume v = volume(1);
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(v));
    cache.get(List.of(source), Kind.IMAGE, half, counting(v));
    cache.get(List.of(source), Kind.LABELS, half, counting(v));
    Path full = cacheDir.resolve(PreprocessCache.key(List.of(source), Kind.IMAGE, SPEC) + ".bbv");
    Path halved = cacheDir.resolve(PreprocessCache.key(List.of(source), Kind.IMAGE, half) + ".bbv");
    Path labels = cacheDir.resolve(PreprocessCache.key(List.of(source), Kind.LABELS, half) + ".bbv");
    long voxels = 2L * v.grid().voxelCount();

    assertThat(Files.size(full) - Files.size(halved)).isEqualTo(voxels * 2);
    assertThat(Files.size(labels)).as("label maps stay float32").isEqualTo(Files.size(full));
    Volume back = cache.get(List.of(source), Kind.IMAGE, half, counting(volume(2)));
    assertThat(calls).hasValue(3);
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < v.grid().voxelCount(); i++) {
        float want = Float16.toFloat(Float16.fromFloat(v.channel(c)[i]));
        assertThat(Float.floatToIntBits(back.channel(c)[i])).as("channel %d voxel %d", c, i).isEqualTo(Float.floatToIntBits(want));
      }
    }
    assertThat(back.channel(0)[0]).as("float32's largest value is past float16's").isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void ensureReadsOnlyTheHeaderOfAnEntryThatIsThere() throws IOException {
    PreprocessCache.Entry computed = cache.ensure(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    assertThat(computed).isEqualTo(new PreprocessCache.Entry(volume(1).grid(), 2));
    assertThat(calls).hasValue(1);
    Path entry = entries().get(0);
    byte[] flipped = Files.readAllBytes(entry);
    flipped[flipped.length - 7] ^= 0x10; // corrupted voxels: found when they are read, not by ensure

    Files.write(entry, flipped);
    PreprocessCache.Entry again = cache.ensure(List.of(source), Kind.IMAGE, SPEC, counting(volume(2)));

    assertThat(again).isEqualTo(computed);
    assertThat(calls).hasValue(1);
    Volume v = cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    assertThat(v).isEqualTo(volume(1));
    assertThat(calls).hasValue(2);
    assertThat(warnings).singleElement().asString().contains("CRC-32C");
    // a truncated entry is found by its header and computed again
    Files.write(entry, java.util.Arrays.copyOf(Files.readAllBytes(entry), 100));
    cache.ensure(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));
    assertThat(calls).hasValue(3);
    assertThat(warnings).last().asString().contains("shorter than");
  }

  @Test
  void aSmallVolumeReadAfterALargerOneIsItself() throws IOException {
    // reads reuse one buffer per thread: a smaller volume after a larger must not see its bytes
    Grid big = new Grid(9, 8, 7, Affine.identity());
    float[][] bigVoxels = new float[3][big.voxelCount()];
    for (float[] c : bigVoxels) {
      java.util.Arrays.fill(c, 42f);
    }
    Path other = Files.writeString(dir.resolve("big.nii"), "another scan");
    cache.get(List.of(other), Kind.IMAGE, SPEC, counting(new Volume(big, bigVoxels)));
    cache.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(1)));

    PreprocessCache again = new PreprocessCache(cacheDir);
    assertThat(again.get(List.of(other), Kind.IMAGE, SPEC, counting(volume(9))).channel(2)).containsOnly(42f);
    assertThat(again.get(List.of(source), Kind.IMAGE, SPEC, counting(volume(9)))).isEqualTo(volume(1));
    assertThat(again.hits()).isEqualTo(2);
  }
}
