package org.brainbench.tasks.preprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.brainbench.tasks.volume.Volume;

/**
 * A folder of preprocessed volumes keyed by their source files and the preprocessing settings, so
 * a second run neither decodes nor resamples again.
 *
 * <p>The key is a SHA-256 over the settings ({@link PreprocessSpec#key()}), whether the volume is
 * an image or a label map, and, for each source file, its absolute path, size and modification
 * time (as make does: content hashes would mean reading every file on every run). Entries are
 * written to a temp file and renamed into place, so two runs sharing the folder never see a
 * half-written entry; if both compute the same entry, the second rename replaces identical bytes.
 */
public final class PreprocessCache {
  /** Whether a cached volume is an image (trilinear, normalised) or a label map (nearest). */
  public enum Kind {
    IMAGE,
    LABELS
  }

  /** Computes a volume on a cache miss. */
  @FunctionalInterface
  public interface Computation {
    Volume compute() throws IOException;
  }

  /** What a cache entry holds, read from its header: the grid and the number of channels. */
  public record Entry(org.brainbench.tasks.volume.Grid grid, int channels) {}

  private final Path folder;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong damaged = new AtomicLong();
  private final java.util.function.Consumer<String> warnings;

  /** A cache that reports damaged entries on standard error. */
  public PreprocessCache(Path folder) {
    this(folder, message -> System.err.println("brainbench: " + message));
  }

  /** @param warnings told, with the entry's path, of every damaged entry that is computed again */
  public PreprocessCache(Path folder, java.util.function.Consumer<String> warnings) {
    this.folder = folder;
    this.warnings = warnings;
  }

  public Path folder() {
    return folder;
  }

  /**
   * The cached volume for these sources and settings, computing and storing it on a miss. Images
   * are stored in the spec's {@link PreprocessSpec#cacheDtype}, label maps always as float32.
   */
  public Volume get(List<Path> sources, Kind kind, PreprocessSpec spec, Computation computation) throws IOException {
    Path entry = entry(sources, kind, spec);
    if (Files.isRegularFile(entry)) {
      try {
        Volume cached = VolumeFile.read(entry);
        hits.incrementAndGet();
        return cached;
      } catch (NoSuchFileException e) {
        // removed by someone else between the check and the read: compute it
      } catch (VolumeFile.Damaged e) {
        reportDamage(entry, e);
      }
    }
    return compute(entry, kind, spec, computation);
  }

  /**
   * Makes sure the entry exists and says what it holds, reading only its header on a hit: how a
   * run indexes a large dataset without reading every voxel (which {@link #get} reads, and
   * checks, when they are used).
   */
  public Entry ensure(List<Path> sources, Kind kind, PreprocessSpec spec, Computation computation) throws IOException {
    Path entry = entry(sources, kind, spec);
    if (Files.isRegularFile(entry)) {
      try {
        VolumeFile.Header h = VolumeFile.header(entry);
        hits.incrementAndGet();
        return new Entry(h.grid(), h.channels());
      } catch (NoSuchFileException e) {
        // removed by someone else between the check and the read: compute it
      } catch (VolumeFile.Damaged e) {
        reportDamage(entry, e);
      }
    }
    Volume v = compute(entry, kind, spec, computation);
    return new Entry(v.grid(), v.channelCount());
  }

  private Path entry(List<Path> sources, Kind kind, PreprocessSpec spec) throws IOException {
    return folder.resolve(key(sources, kind, spec) + ".bbv");
  }

  private void reportDamage(Path entry, VolumeFile.Damaged e) {
    if (!e.olderFormat()) {
      damaged.incrementAndGet();
      warnings.accept(entry + ": damaged cache entry, computed again: " + e.getMessage());
    }
  }

  private Volume compute(Path entry, Kind kind, PreprocessSpec spec, Computation computation) throws IOException {
    misses.incrementAndGet();
    Volume v = computation.compute();
    VolumeFile.write(entry, v, kind == Kind.IMAGE ? spec.cacheDtype() : CacheDtype.FLOAT32);
    return v;
  }

  /** Entries found damaged (and computed again). */
  public long damaged() {
    return damaged.get();
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  /** The entry name for these sources and settings. */
  public static String key(List<Path> sources, Kind kind, PreprocessSpec spec) throws IOException {
    StringBuilder b = new StringBuilder(spec.key()).append(";kind=").append(kind);
    for (Path p : sources) {
      Path abs = p.toAbsolutePath().normalize();
      BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
      b.append(";file=").append(abs).append('|').append(a.size()).append('|').append(a.lastModifiedTime().toMillis());
    }
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
