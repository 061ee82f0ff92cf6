package org.brainbench.tasks.synth;

import java.util.List;

/**
 * How one simulated scanner/site images a brain: tissue contrast, intensity scale, noise, bias
 * field, resolution (point spread, e.g. thick slices) and the voxel order it stores.
 *
 * @param t1Contrast relative T1 intensities of CSF, grey matter, white matter
 * @param scale intensity units (scanners do not agree on them; normalisation must cope)
 * @param noise Rician noise sd relative to white matter
 * @param bias peak-to-peak amplitude of the multiplicative bias field (0.2 = about +-10%)
 * @param blurMm Gaussian point spread, sd in mm per world axis (x, y, z)
 * @param storage voxel order on disk: "RAS", "LAS" or "LPS" (affines always state it)
 */
public record SiteProfile(String name, double[] t1Contrast, double scale, double noise, double bias, double[] blurMm, String storage) {
  /** Four sites with different contrast, scale, noise, bias, resolution and storage order. */
  public static final List<SiteProfile> DEFAULTS = List.of(
      new SiteProfile("site-A", new double[] {0.22, 0.60, 0.86}, 1000, 0.025, 0.10, new double[] {0.6, 0.6, 0.6}, "RAS"),
      new SiteProfile("site-B", new double[] {0.28, 0.64, 0.88}, 400, 0.040, 0.20, new double[] {0.8, 0.8, 2.2}, "LAS"),
      new SiteProfile("site-C", new double[] {0.18, 0.57, 0.84}, 2500, 0.030, 0.14, new double[] {1.2, 1.2, 1.2}, "RAS"),
      new SiteProfile("site-D", new double[] {0.25, 0.62, 0.83}, 150, 0.050, 0.25, new double[] {0.7, 1.8, 0.7}, "LPS"));
}
