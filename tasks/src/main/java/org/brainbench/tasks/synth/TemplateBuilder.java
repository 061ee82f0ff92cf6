package org.brainbench.tasks.synth;

import java.io.IOException;
import java.nio.file.Path;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.GaussianFilter;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Interpolation;
import org.brainbench.tasks.volume.Resampler;
import org.brainbench.tasks.volume.Volume;

/**
 * Derives the simulator's anatomy from Debian's {@code mricron-data} (BSD-3, Chris Rorden): the
 * Colin27 T1 brain {@code ch2bet.nii.gz} and the AAL atlas {@code aal.nii.gz}, both 1 mm on the
 * same MNI grid. Writes 2 mm copies with brainbench's own resampling (Gaussian anti-aliasing, then
 * trilinear for the T1 and nearest for the labels) as the resources {@link BrainTemplate} loads.
 * Run through {@code brainbench data template}; the results are committed, so this runs only when
 * the template changes.
 */
public final class TemplateBuilder {
  public static final String T1_RESOURCE = "colin27_t1_2mm.nii.gz";
  public static final String AAL_RESOURCE = "aal_2mm.nii.gz";
  public static final double SPACING_MM = 2.0;

  private TemplateBuilder() {}

  public static void build(Path colinT1, Path aal, Path outFolder) throws IOException {
    Volume t1 = NiftiVolumes.read(colinT1);
    Volume labels = NiftiVolumes.read(aal);
    if (!t1.grid().matches(labels.grid(), 1e-3)) {
      throw new IOException(aal + ": not on the grid of " + colinT1 + " (" + labels.grid() + " vs " + t1.grid() + ")");
    }
    Grid target = t1.grid().withSpacing(new double[] {SPACING_MM, SPACING_MM, SPACING_MM});
    // sigma = 0.85 mm: a Gaussian of FWHM 2 mm, the new voxel size, against aliasing
    double sigma = SPACING_MM / (2 * Math.sqrt(2 * Math.log(2)));
    Volume smoothed = GaussianFilter.smooth(t1, new double[] {sigma, sigma, sigma});
    Volume t1Small = Resampler.resample(smoothed, target, Interpolation.LINEAR);
    Volume aalSmall = Resampler.resample(labels, target, Interpolation.NEAREST);
    NiftiVolumes.write(outFolder.resolve(T1_RESOURCE), t1Small,
        NiftiWriter.Options.scaledInt16().withXformCode(NiftiWriter.XFORM_MNI_152).withCompressionLevel(9)
            .withDescription("Colin27 ch2bet, 2mm, brainbench"));
    NiftiVolumes.write(outFolder.resolve(AAL_RESOURCE), aalSmall,
        NiftiWriter.Options.labels().withXformCode(NiftiWriter.XFORM_MNI_152).withCompressionLevel(9)
            .withDescription("AAL, 2mm nearest, brainbench"));
  }
}
