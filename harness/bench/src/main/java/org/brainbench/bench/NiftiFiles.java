package org.brainbench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.brainbench.tasks.nifti.NiftiDatatype;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.synth.BrainTemplate;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Interpolation;
import org.brainbench.tasks.volume.Resampler;
import org.brainbench.tasks.volume.Volume;

/**
 * Realistic NIfTI files for the decoding benchmarks: the Colin27 brain at 1 mm (181x217x181, the
 * MNI152 1 mm grid) as uint8 and float32, gzipped and not, made from the shipped 2 mm template by
 * trilinear upsampling. The same files feed the nibabel + scipy reference
 * ({@code tools/torch-reference/nifti_reference.py}).
 *
 * <p>Usage: {@code NiftiFiles DIR} writes {@code DIR/colin_1mm_<variant>} for every variant.
 */
public final class NiftiFiles {
  static final List<String> VARIANTS = List.of("uint8.nii", "uint8.nii.gz", "float32.nii", "float32.nii.gz");

  /** The preprocessing both sides time: reorient, trilinear resample to this shape, clip, z-score. */
  static final int[] PREPROCESS_SHAPE = {96, 112, 96};

  private NiftiFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: NiftiFiles DIR");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    for (String variant : VARIANTS) {
      System.out.println("wrote " + write(dir, variant));
    }
  }

  static Path write(Path dir, String variant) throws IOException {
    if (!VARIANTS.contains(variant)) {
      throw new IllegalArgumentException("unknown variant " + variant + "; known: " + VARIANTS);
    }
    Volume colin2mm = BrainTemplate.colinT1();
    Grid oneMm = colin2mm.grid().withSpacing(new double[] {1, 1, 1});
    Volume colin = Resampler.resample(colin2mm, new Grid(181, 217, 181, oneMm.affine()), Interpolation.LINEAR);
    NiftiWriter.Options options = variant.startsWith("uint8")
        ? new NiftiWriter.Options(NiftiDatatype.UINT8, true, NiftiWriter.XFORM_MNI_152, 6, "bench")
        : NiftiWriter.Options.float32();
    Path path = dir.resolve("colin_1mm_" + variant);
    NiftiVolumes.write(path, colin, options);
    return path;
  }
}
