package org.brainbench.tasks.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * The preprocessing cache's file format: uncompressed, little-endian, loaded with one bulk read.
 * Layout: magic {@code BBVOL001}, int nx, ny, nz, channels, 12 doubles (affine rows 0..2), then
 * float32 voxels channel by channel. Not meant for exchange: use NIfTI for that.
 */
final class VolumeFile {
  private static final byte[] MAGIC = {'B', 'B', 'V', 'O', 'L', '0', '0', '1'};
  private static final int HEADER = MAGIC.length + 4 * 4 + 12 * 8;

  private VolumeFile() {}

  /** Writes atomically: a temp file in the same folder, then a rename. */
  static void write(Path file, Volume v) throws IOException {
    int n = v.grid().voxelCount();
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.put(MAGIC).putInt(v.grid().nx()).putInt(v.grid().ny()).putInt(v.grid().nz()).putInt(v.channelCount());
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        header.putDouble(v.affine().get(r, c));
      }
    }
    AtomicFiles.write(file, out -> {
      out.write(header.array());
      ByteBuffer data = ByteBuffer.allocate(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] channel : v.channels()) {
        data.clear();
        data.asFloatBuffer().put(channel);
        out.write(data.array(), 0, n * Float.BYTES);
      }
    });
  }

  /** Reads a file, or returns null if it is not a complete volume file (then it is recomputed). */
  static Volume read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < HEADER) {
        return null;
      }
      ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, header);
      header.flip();
      byte[] magic = new byte[MAGIC.length];
      header.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        return null;
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
      long n = (long) nx * ny * nz;
      if (nx < 1 || ny < 1 || nz < 1 || channels < 1 || size != HEADER + n * channels * Float.BYTES) {
        return null;
      }
      Grid grid = new Grid(nx, ny, nz, Affine.of(rows));
      float[][] data = new float[channels][(int) n];
      ByteBuffer buf = ByteBuffer.allocateDirect((int) n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (int c = 0; c < channels; c++) {
        buf.clear();
        readFully(ch, buf);
        buf.flip();
        buf.asFloatBuffer().get(data[c]);
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
