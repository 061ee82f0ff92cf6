package org.brainbench.tasks.nifti;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/** Reads NIfTI files as {@link Volume}s and writes volumes as NIfTI. */
public final class NiftiVolumes {
  private NiftiVolumes() {}

  /**
   * Reads an image as a volume: the first three dimensions are the grid (missing ones have size
   * 1), every further dimension is unrolled into channels (a 4D file of 3 volumes gives 3
   * channels).
   */
  public static Volume read(Path file) throws IOException {
    NiftiImage image = NiftiReader.read(file);
    long[] shape = image.header().shape();
    int[] s = {1, 1, 1};
    for (int i = 0; i < Math.min(3, shape.length); i++) {
      s[i] = (int) shape[i];
    }
    long channels = 1;
    for (int i = 3; i < shape.length; i++) {
      channels *= shape[i];
    }
    Grid grid = Grid.of(s, image.header().affine());
    if (channels == 1) {
      return Volume.of(grid, image.data());
    }
    int n = grid.voxelCount();
    float[][] ch = new float[(int) channels][];
    for (int c = 0; c < channels; c++) {
      ch[c] = Arrays.copyOfRange(image.data(), c * n, (c + 1) * n);
    }
    return new Volume(grid, ch);
  }

  /** Writes a volume: one channel as a 3D image, several as a 4D image. */
  public static void write(Path file, Volume volume, NiftiWriter.Options options) throws IOException {
    int[] shape = volume.shape();
    if (volume.channelCount() == 1) {
      NiftiWriter.write(file, shape, volume.channel(0), volume.affine(), options);
      return;
    }
    int n = volume.grid().voxelCount();
    float[] all = new float[n * volume.channelCount()];
    for (int c = 0; c < volume.channelCount(); c++) {
      System.arraycopy(volume.channel(c), 0, all, c * n, n);
    }
    NiftiWriter.write(file, new int[] {shape[0], shape[1], shape[2], volume.channelCount()}, all, volume.affine(), options);
  }
}
