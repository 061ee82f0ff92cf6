package org.brainbench.tasks.volume;

import java.util.Arrays;

/**
 * A 3D image with one or more channels (modalities) on one grid, float32 voxels in NIfTI order. The
 * arrays are shared, not copied: treat a volume as immutable once built and use {@link #copy()}
 * before changing voxels in place.
 */
public record Volume(Grid grid, float[][] channels) {
  public Volume {
    if (channels.length < 1) {
      throw new IllegalArgumentException("a volume needs at least one channel");
    }
    for (int c = 0; c < channels.length; c++) {
      if (channels[c].length != grid.voxelCount()) {
        throw new IllegalArgumentException("channel " + c + " has " + channels[c].length + " voxels, grid " + grid + " has " + grid.voxelCount());
      }
    }
  }

  public static Volume of(Grid grid, float[] data) {
    return new Volume(grid, new float[][] {data});
  }

  public static Volume zeros(Grid grid, int channelCount) {
    float[][] ch = new float[channelCount][grid.voxelCount()];
    return new Volume(grid, ch);
  }

  public int channelCount() {
    return channels.length;
  }

  public float[] channel(int c) {
    return channels[c];
  }

  public float get(int c, int i, int j, int k) {
    return channels[c][grid.index(i, j, k)];
  }

  public int[] shape() {
    return grid.shape();
  }

  public double[] spacing() {
    return grid.spacing();
  }

  public Affine affine() {
    return grid.affine();
  }

  /** A deep copy. */
  public Volume copy() {
    float[][] ch = new float[channels.length][];
    for (int c = 0; c < channels.length; c++) {
      ch[c] = channels[c].clone();
    }
    return new Volume(grid, ch);
  }

  /** The channels of several single- or multi-channel volumes on the same grid, stacked. */
  public static Volume stack(Volume... parts) {
    Grid g = parts[0].grid;
    int total = 0;
    for (Volume v : parts) {
      if (!v.grid.matches(g, 1e-3)) {
        throw new IllegalArgumentException("channels are on different grids: " + g + " and " + v.grid);
      }
      total += v.channelCount();
    }
    float[][] ch = new float[total][];
    int c = 0;
    for (Volume v : parts) {
      for (float[] data : v.channels) {
        ch[c++] = data;
      }
    }
    return new Volume(g, ch);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Volume v && grid.equals(v.grid) && Arrays.deepEquals(channels, v.channels);
  }

  @Override
  public int hashCode() {
    return grid.hashCode() * 31 + Arrays.deepHashCode(channels);
  }

  @Override
  public String toString() {
    return "Volume[" + grid + ", " + channels.length + " channel(s)]";
  }
}
