package org.brainbench.tasks.preprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.volume.Volume;

/**
 * Loads a scan's image (all channels) and mask, preprocessed, through the cache when one is given.
 */
public final class ScanLoader {
  private final PreprocessSpec spec;
  private final PreprocessCache cache;

  /** @param cache null to preprocess every time */
  public ScanLoader(PreprocessSpec spec, PreprocessCache cache) {
    this.spec = spec;
    this.cache = cache;
  }

  public PreprocessSpec spec() {
    return spec;
  }

  /** The image channels stacked on one grid, preprocessed. */
  public Volume image(Scan scan) throws IOException {
    PreprocessCache.Computation compute = imageComputation(scan);
    return cache == null ? compute.compute() : cache.get(scan.images(), PreprocessCache.Kind.IMAGE, spec, compute);
  }

  /**
   * What the preprocessed image holds (grid, channels), computing it into the cache if needed but
   * reading only the header of a cached entry. Without a cache, it preprocesses the image.
   */
  public PreprocessCache.Entry imageEntry(Scan scan) throws IOException {
    PreprocessCache.Computation compute = imageComputation(scan);
    if (cache == null) {
      Volume v = compute.compute();
      return new PreprocessCache.Entry(v.grid(), v.channelCount());
    }
    return cache.ensure(scan.images(), PreprocessCache.Kind.IMAGE, spec, compute);
  }

  /** The label map, with the image's geometric preprocessing and nearest-neighbour sampling. */
  public Volume mask(Scan scan) throws IOException {
    if (scan.mask() == null) {
      throw new IllegalArgumentException("scan " + scan.scanId() + " has no mask");
    }
    PreprocessCache.Computation compute = () -> Preprocessor.labels(NiftiVolumes.read(scan.mask()), spec);
    return cache == null ? compute.compute() : cache.get(List.of(scan.mask()), PreprocessCache.Kind.LABELS, spec, compute);
  }

  private PreprocessCache.Computation imageComputation(Scan scan) {
    return () -> Preprocessor.image(readChannels(scan.images()), spec);
  }

  private static Volume readChannels(List<Path> files) throws IOException {
    List<Volume> parts = new ArrayList<>();
    for (Path f : files) {
      parts.add(NiftiVolumes.read(f));
    }
    return Volume.stack(parts.toArray(Volume[]::new));
  }
}
