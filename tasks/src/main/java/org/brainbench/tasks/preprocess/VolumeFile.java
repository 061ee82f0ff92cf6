package org.brainbench.tasks.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.io.Float16;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * The preprocessing cache's file format: uncompressed, little-endian, loaded with one bulk read
 * per channel. Layout: magic {@code BBVOL003}, int nx, ny, nz, channels, bytes per voxel (4:
 * float32, 2: float16), 12 doubles (affine rows 0..2), the voxel bytes' length (long) and CRC-32C
 * (int, over the stored bytes), then the voxels channel by channel. The length catches a truncated
 * entry, the checksum a corrupted one (a disk or network filesystem fault). Not meant for
 * exchange: use NIfTI for that.
 */
final class VolumeFile {
  private static final byte[] MAGIC = {'B', 'B', 'V', 'O', 'L', '0', '0', '3'};
  private static final int HEADER = MAGIC.length + 5 * 4 + 12 * 8 + 8 + 4;

  /** An entry that cannot be used, and why; the cache reports it and computes the volume again. */
  static final class Damaged extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean olderFormat;

    Damaged(String why) {
      this(why, false);
    }

    Damaged(String why, boolean olderFormat) {
      super(why);
      this.olderFormat = olderFormat;
    }

    /** An intact entry of an earlier brainbench: replaced without a word. */
    boolean olderFormat() {
      return olderFormat;
    }
  }

  private VolumeFile() {}

  /** A file's grid and channel count, read from its header alone. */
  record Header(Grid grid, int channels, CacheDtype dtype) {}

  /** Writes float32 voxels atomically: a temp file in the same folder, then a rename. */
  static void write(Path file, Volume v) throws IOException {
    write(file, v, CacheDtype.FLOAT32);
  }

  /** Writes atomically in the given dtype: a temp file in the same folder, then a rename. */
  static void write(Path file, Volume v, CacheDtype dtype) throws IOException {
    int n = v.grid().voxelCount();
    int channelBytes = n * dtype.bytes();
    CRC32C crc = new CRC32C();
    ByteBuffer data = ByteBuffer.allocate(channelBytes).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] channel : v.channels()) {
      encode(channel, dtype, data);
      crc.update(data.array(), 0, channelBytes);
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(v.grid().nx()).putInt(v.grid().ny()).putInt(v.grid().nz()).putInt(v.channelCount()).putInt(dtype.bytes());
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        header.putDouble(v.affine().get(r, c));
      }
    }
    header.putLong((long) channelBytes * v.channelCount()).putInt((int) crc.getValue());
    AtomicFiles.write(file, out -> {
      out.write(header.array());
      for (float[] channel : v.channels()) {
        encode(channel, dtype, data);
        out.write(data.array(), 0, channelBytes);
      }
    });
  }

  private static void encode(float[] channel, CacheDtype dtype, ByteBuffer into) {
    into.clear();
    if (dtype == CacheDtype.FLOAT32) {
      into.asFloatBuffer().put(channel);
    } else {
      java.nio.ShortBuffer halves = into.asShortBuffer();
      for (float f : channel) {
        halves.put(Float16.fromFloat(f));
      }
    }
  }

  /**
   * Reads a file's header and checks the file's length against it, without reading the voxels
   * (their checksum is checked when they are read).
   *
   * @throws Damaged as {@link #read}, except for corrupted voxels
   */
  static Header header(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return header(ch).header();
    }
  }

  private record Parsed(Header header, int crc) {}

  private static Parsed header(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < HEADER) {
      throw new Damaged(size + " bytes, shorter than the " + HEADER + "-byte header");
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, header);
    header.flip();
    byte[] magic = new byte[MAGIC.length];
    header.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      boolean older = new String(magic, java.nio.charset.StandardCharsets.US_ASCII).startsWith("BBVOL");
      throw new Damaged("not a " + new String(MAGIC, java.nio.charset.StandardCharsets.US_ASCII) + " entry" + (older ? " (an older format)" : ""), older);
    }
    int nx = header.getInt();
    int ny = header.getInt();
    int nz = header.getInt();
    int channels = header.getInt();
    CacheDtype dtype = CacheDtype.ofBytes(header.getInt());
    double[][] rows = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        rows[r][c] = header.getDouble();
      }
    }
    long dataBytes = header.getLong();
    int expectedCrc = header.getInt();
    long n = (long) nx * ny * nz;
    if (nx < 1 || ny < 1 || nz < 1 || channels < 1 || dtype == null || dataBytes != n * channels * dtype.bytes()) {
      throw new Damaged("a header that does not describe a volume (" + nx + "x" + ny + "x" + nz + ", " + channels + " channels, "
          + (dtype == null ? "an unknown dtype" : dtype.id()) + ", " + dataBytes + " bytes)");
    }
    if (size != HEADER + dataBytes) {
      throw new Damaged(size + " bytes where the header says " + (HEADER + dataBytes) + (size < HEADER + dataBytes ? " (truncated)" : ""));
    }
    return new Parsed(new Header(new Grid(nx, ny, nz, Affine.of(rows)), channels, dtype), expectedCrc);
  }

  /**
   * Reads a file.
   *
   * @throws Damaged when it is not a complete, intact volume file (short, long, another format, or
   *     voxels whose checksum is not the header's)
   */
  static Volume read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      Parsed p = header(ch);
      Grid grid = p.header().grid();
      int n = grid.voxelCount();
      CacheDtype dtype = p.header().dtype();
      float[][] data = new float[p.header().channels()][n];
      ByteBuffer buf = readBuffer(n * dtype.bytes());
      CRC32C crc = new CRC32C();
      for (float[] channel : data) {
        buf.clear().limit(n * dtype.bytes());
        readFully(ch, buf);
        buf.flip();
        crc.update(buf.duplicate());
        if (dtype == CacheDtype.FLOAT32) {
          buf.asFloatBuffer().get(channel);
        } else {
          java.nio.ShortBuffer halves = buf.asShortBuffer();
          for (int i = 0; i < n; i++) {
            channel[i] = Float16.toFloat(halves.get(i));
          }
        }
      }
      if ((int) crc.getValue() != p.crc()) {
        throw new Damaged("voxels whose CRC-32C is not the header's (corrupted)");
      }
      return new Volume(grid, data);
    }
  }

  /**
   * One direct buffer per reading thread, grown as needed and reused: a run reads every scan once
   * an epoch, and a fresh direct buffer per read is freed only when the GC gets to it (measured:
   * 0.3 GB more resident memory in a 500-scan epoch).
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER = new ThreadLocal<>();

  private static ByteBuffer readBuffer(int bytes) {
    ByteBuffer b = READ_BUFFER.get();
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
      READ_BUFFER.set(b);
    }
    b.clear().limit(bytes);
    return b;
  }

  private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }
}
