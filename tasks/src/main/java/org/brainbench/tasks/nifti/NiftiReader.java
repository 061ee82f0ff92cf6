package org.brainbench.tasks.nifti;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Reads NIfTI-1 and NIfTI-2 images: single files ({@code .nii}, {@code .nii.gz}) and header/image
 * pairs ({@code .hdr}/{@code .img}, either gzipped), in either byte order.
 *
 * <p>Voxel data streams through a fixed-size buffer, so {@link #statistics} never holds the image
 * and {@link #read} holds it once, as float32. Before anything is allocated the file's size is
 * checked against what the header claims, so an absurd header fails with a clear message instead of
 * an out-of-memory error.
 */
public final class NiftiReader {
  /** Largest voxel count of one image held in a Java array. */
  public static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

  /** Deflate cannot expand data by more than this factor (zlib's documented bound is 1032:1). */
  private static final long MAX_DEFLATE_RATIO = 1032;

  private static final int CHUNK_BYTES = 1 << 20;

  private NiftiReader() {}

  /** Reads and validates the header only. */
  public static NiftiHeader readHeader(Path file) throws IOException {
    Path header = NiftiFiles.headerFile(requireFile(file));
    byte[] bytes = new byte[NiftiFormat.NIFTI2.headerSize()];
    int n;
    try (InputStream in = NiftiFiles.open(header)) {
      n = in.readNBytes(bytes, 0, bytes.length);
    } catch (ZipException | EOFException e) {
      throw new NiftiFormatException(header, "truncated or corrupt gzip stream in the header: " + e.getMessage());
    }
    return NiftiHeaderCodec.parse(bytes, n, header);
  }

  /** Reads the whole image as float32 (scaled by {@code scl_slope}/{@code scl_inter}). */
  public static NiftiImage read(Path file) throws IOException {
    NiftiHeader h = readHeader(file);
    long voxels = h.voxelCount();
    if (voxels > MAX_VOXELS) {
      throw new NiftiFormatException(file, "image too large: " + voxels + " voxels, one image holds at most " + MAX_VOXELS);
    }
    DataSource source = DataSource.of(file, h);
    long needed = voxels * Float.BYTES;
    long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
    if (needed > free) {
      throw new NiftiFormatException(file, "image needs " + (needed >> 20) + " MiB as float32 but the JVM has about "
          + (free >> 20) + " MiB free; raise -Xmx");
    }
    float[] data = new float[(int) voxels];
    double slope = h.effectiveSlope();
    double inter = h.effectiveIntercept();
    source.stream((chunk, first, count) -> VoxelDecoder.toFloat(h.datatype(), chunk, count, slope, inter, data, (int) first));
    return new NiftiImage(h, data);
  }

  /** Min, max, mean and NaN count of the scaled voxel values, streamed without holding the image. */
  public static VoxelStatistics statistics(Path file) throws IOException {
    NiftiHeader h = readHeader(file);
    DataSource source = DataSource.of(file, h);
    double slope = h.effectiveSlope();
    double inter = h.effectiveIntercept();
    VoxelStatistics.Accumulator acc = new VoxelStatistics.Accumulator();
    double[] values = new double[CHUNK_BYTES / h.datatype().bytesPerVoxel()];
    source.stream((chunk, first, count) -> {
      VoxelDecoder.toDouble(h.datatype(), chunk, count, slope, inter, values);
      acc.add(values, count);
    });
    return acc.result();
  }

  /**
   * Checks, without decoding, that the file holds as many voxel bytes as the header claims (exactly
   * for uncompressed files, within deflate's bound for gzipped ones).
   */
  public static void checkDataPresent(Path file, NiftiHeader header) throws IOException {
    DataSource.of(file, header);
  }

  private static Path requireFile(Path file) throws NiftiFormatException {
    if (!Files.exists(file)) {
      throw new NiftiFormatException(file, "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new NiftiFormatException(file, "not a regular file");
    }
    return file;
  }

  @FunctionalInterface
  private interface ChunkConsumer {
    void accept(ByteBuffer chunk, long firstVoxel, int voxelCount) throws IOException;
  }

  /** Where the voxel bytes live, checked against the file's size before any reading. */
  private record DataSource(Path reportAs, Path imageFile, NiftiHeader header) {
    static DataSource of(Path given, NiftiHeader h) throws IOException {
      Path header = NiftiFiles.headerFile(given);
      Path image = NiftiFiles.imageFile(header, h);
      long size = Files.size(image);
      long offset = h.voxOffset();
      long bytes = h.dataBytes();
      if (NiftiFiles.isGzip(image)) {
        long bound = size > Long.MAX_VALUE / MAX_DEFLATE_RATIO ? Long.MAX_VALUE : size * MAX_DEFLATE_RATIO;
        if (offset > bound) {
          throw new NiftiFormatException(image, "vox_offset " + offset + " is past the end of the file (a " + size
              + "-byte gzip file inflates to at most " + bound + " bytes)");
        }
        if (bytes > bound - offset) {
          throw new NiftiFormatException(image, "truncated data: the header claims " + bytes
              + " bytes of voxel data, more than a " + size + "-byte gzip file can hold");
        }
      } else {
        if (offset > size) {
          throw new NiftiFormatException(image, "vox_offset " + offset + " is past the end of the file (" + size + " bytes)");
        }
        if (bytes > size - offset) {
          throw new NiftiFormatException(image, "truncated data: the header claims " + bytes + " bytes of voxel data from vox_offset "
              + offset + ", the file holds " + (size - offset));
        }
      }
      return new DataSource(given, image, h);
    }

    void stream(ChunkConsumer consumer) throws IOException {
      int bpv = header.datatype().bytesPerVoxel();
      long totalVoxels = header.voxelCount();
      int chunkVoxels = CHUNK_BYTES / bpv;
      byte[] buffer = new byte[chunkVoxels * bpv];
      try (InputStream in = NiftiFiles.open(imageFile)) {
        try {
          in.skipNBytes(header.voxOffset());
        } catch (EOFException e) {
          throw new NiftiFormatException(imageFile, "vox_offset " + header.voxOffset() + " is past the end of the (decompressed) file");
        }
        long done = 0;
        while (done < totalVoxels) {
          int count = (int) Math.min(chunkVoxels, totalVoxels - done);
          int want = count * bpv;
          int got = in.readNBytes(buffer, 0, want);
          if (got < want) {
            long have = done * bpv + got;
            throw new NiftiFormatException(imageFile, "truncated data: the header claims " + header.dataBytes()
                + " bytes of voxel data after vox_offset " + header.voxOffset() + ", the file holds " + have);
          }
          consumer.accept(ByteBuffer.wrap(buffer, 0, want).order(header.byteOrder()), done, count);
          done += count;
        }
      } catch (ZipException | EOFException e) {
        throw new NiftiFormatException(imageFile, "truncated or corrupt gzip stream: " + e.getMessage());
      } catch (NoSuchFileException e) {
        throw new NiftiFormatException(imageFile, "no such file");
      }
    }
  }
}
