package org.brainbench.tasks.preprocess;

import org.brainbench.tasks.io.Float16;
import org.brainbench.tasks.volume.CropPad;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.IntensityNormalizer;
import org.brainbench.tasks.volume.Interpolation;
import org.brainbench.tasks.volume.Orientation;
import org.brainbench.tasks.volume.Resampler;
import org.brainbench.tasks.volume.Volume;

/** Applies a {@link PreprocessSpec} to images and to label maps (geometry only, nearest neighbour). */
public final class Preprocessor {
  private Preprocessor() {}

  /**
   * The image, preprocessed; with float16 cache storage, its values rounded to float16 as the last
   * step, so a scan read from the cache and one computed afresh are the same numbers.
   */
  public static Volume image(Volume volume, PreprocessSpec spec) {
    Volume v = intensities(geometry(volume, spec, Interpolation.LINEAR), spec);
    return spec.cacheDtype() == CacheDtype.FLOAT16 ? toFloat16Precision(v) : v;
  }

  private static Volume intensities(Volume v, PreprocessSpec spec) {
    if (spec.clipPercentiles() == null && spec.normalization() == Normalization.NONE) {
      return v;
    }
    boolean[] mask = IntensityNormalizer.nonZeroMask(v);
    if (spec.clipPercentiles() != null) {
      v = IntensityNormalizer.clipPercentiles(v, mask, spec.clipPercentiles()[0], spec.clipPercentiles()[1]);
    }
    return switch (spec.normalization()) {
      case NONE -> v;
      case ZSCORE -> IntensityNormalizer.zScore(v, mask);
      case MINMAX -> IntensityNormalizer.minMax(v, mask);
    };
  }

  private static Volume toFloat16Precision(Volume v) {
    float[][] out = new float[v.channelCount()][];
    for (int c = 0; c < out.length; c++) {
      float[] in = v.channel(c);
      out[c] = new float[in.length];
      for (int i = 0; i < in.length; i++) {
        out[c][i] = Float16.toFloat(Float16.fromFloat(in[i]));
      }
    }
    return new Volume(v.grid(), out);
  }

  /** The same geometric steps as {@link #image}, with nearest-neighbour sampling and no intensity change. */
  public static Volume labels(Volume volume, PreprocessSpec spec) {
    return geometry(volume, spec, Interpolation.NEAREST);
  }

  /** The grid a volume on {@code grid} ends up on. */
  public static Grid targetGrid(Grid grid, PreprocessSpec spec) {
    Volume probe = Volume.of(grid, new float[grid.voxelCount()]);
    return geometry(probe, spec, Interpolation.NEAREST).grid();
  }

  private static Volume geometry(Volume volume, PreprocessSpec spec, Interpolation interpolation) {
    Volume v = spec.reorient() ? Orientation.toCanonical(volume) : volume;
    Grid target = null;
    if (spec.spacing() != null) {
      target = v.grid().withSpacing(spec.spacing());
    } else if (spec.shape() != null) {
      target = v.grid().withShape(spec.shape());
    }
    if (target != null && !target.matches(v.grid(), 1e-9)) {
      v = Resampler.resample(v, target, interpolation);
    }
    if (spec.cropPad() != null) {
      v = CropPad.centered(v, spec.cropPad(), 0f);
    }
    return v;
  }
}
