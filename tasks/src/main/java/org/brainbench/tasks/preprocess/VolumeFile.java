package org.brainbench.tasks.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * The preprocessing cache's file format: uncompressed, little-endian, loaded with one bulk read.
 * Layout: magic {@code BBVOL002}, int nx, ny, nz, channels, 12 doubles (affine rows 0..2), the
 * voxel bytes' length (long) and CRC-32C (int), then float32 voxels channel by channel. The length
 * catches a truncated entry, the checksum a corrupted one (a disk or network filesystem fault).
 * Not meant for exchange: use NIfTI for that.
 */
final class VolumeFile {
  private static final byte[] MAGIC = {'B', 'B', 'V', 'O', 'L', '0', '0', '2'};
  private static final int HEADER = MAGIC.length + 4 * 4 + 12 * 8 + 8 + 4;

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

  /** Writes atomically: a temp file in the same folder, then a rename. */
  static void write(Path file, Volume v) throws IOException {
    int n = v.grid().voxelCount();
    CRC32C crc = new CRC32C();
    ByteBuffer data = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] channel : v.channels()) {
      data.clear();
      data.asFloatBuffer().put(channel);
      crc.update(data.array(), 0, n * Float.BYTES);
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(v.grid().nx()).putInt(v.grid().ny()).putInt(v.grid().nz()).putInt(v.channelCount());
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        header.putDouble(v.affine().get(r, c));
      }
    }
    header.putLong((long) n * v.channelCount() * Float.BYTES).putInt((int) crc.getValue());
    AtomicFiles.write(file, out -> {
      out.write(header.array());
      for (float[] channel : v.channels()) {
        data.clear();
        data.asFloatBuffer().put(channel);
        out.write(data.array(), 0, n * Float.BYTES);
      }
    });
  }

  /**
   * Reads a file.
   *
   * @throws Damaged when it is not a complete, intact volume file (short, long, another format, or
   *     voxels whose checksum is not the header's)
   */
  static Volume read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
      double[][] rows = new double[3][4];
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          rows[r][c] = header.getDouble();
        }
      }
      long dataBytes = header.getLong();
      int expectedCrc = header.getInt();
      long n = (long) nx * ny * nz;
      if (nx < 1 || ny < 1 || nz < 1 || channels < 1 || dataBytes != n * channels * Float.BYTES) {
        throw new Damaged("a header that does not describe a volume (" + nx + "x" + ny + "x" + nz + ", " + channels + " channels, " + dataBytes + " bytes)");
      }
      if (size != HEADER + dataBytes) {
        throw new Damaged(size + " bytes where the header says " + (HEADER + dataBytes) + (size < HEADER + dataBytes ? " (truncated)" : ""));
      }
      Grid grid = new Grid(nx, ny, nz, Affine.of(rows));
      float[][] data = new float[channels][(int) n];
      ByteBuffer buf = ByteBuffer.allocateDirect((int) n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      CRC32C crc = new CRC32C();
      for (int c = 0; c < channels; c++) {
        buf.clear();
        readFully(ch, buf);
        buf.flip();
        crc.update(buf.duplicate());
        buf.asFloatBuffer().get(data[c]);
      }
      if ((int) crc.getValue() != expectedCrc) {
        throw new Damaged("voxels whose CRC-32C is not the header's (corrupted)");
      }
      return new Volume(grid, data);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }
}
