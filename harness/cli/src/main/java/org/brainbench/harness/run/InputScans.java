package org.brainbench.harness.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.harness.UserInputException;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.preprocess.PreprocessCache;
import org.brainbench.tasks.preprocess.PreprocessSpec;
import org.brainbench.tasks.preprocess.ScanLoader;
import org.brainbench.tasks.volume.Grid;

/**
 * Scans named on the command line ({@code predict}, {@code embed}), preprocessed as the suite did
 * into the suite's cache and indexed there, like a task's data: every scan is checked (readable,
 * the same grid and channel count as the first) before any output is written, and is then read
 * back a batch at a time, so memory does not grow with the number of scans.
 */
final class InputScans {
  /** The scans in the order given, on one grid with one channel count. */
  record Indexed(List<Sample> samples, Grid grid, int channels) {}

  private InputScans() {}

  /** @throws UserInputException naming the first scan file that cannot be read or does not match the first scan */
  static Indexed index(List<Scan> scans, PreprocessSpec spec, Path cacheFolder) {
    ScanLoader loader = new ScanLoader(spec, new PreprocessCache(cacheFolder));
    List<Sample> samples = new ArrayList<>();
    Grid grid = null;
    int channels = 0;
    for (Scan scan : scans) {
      Path file = scan.images().get(0);
      PreprocessCache.Entry e;
      try {
        e = loader.imageEntry(scan);
      } catch (IOException | RuntimeException ex) {
        throw new UserInputException(file + ": not a readable NIfTI scan (" + ex.getMessage() + ")");
      }
      if (grid == null) {
        grid = e.grid();
        channels = e.channels();
      } else if (grid.nx() != e.grid().nx() || grid.ny() != e.grid().ny() || grid.nz() != e.grid().nz()) {
        throw new UserInputException(file + ": preprocessed to " + e.grid() + ", the first scan to " + grid + "; the suite's preprocessing must fix the shape");
      } else if (e.channels() != channels) {
        throw new UserInputException(file + ": " + e.channels() + " channel(s), the first scan " + channels);
      }
      samples.add(new Sample(scan, new CachedVoxels(scan, loader, null)));
    }
    return new Indexed(samples, grid, channels);
  }
}
