package org.brainbench.tasks.synth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.volume.GaussianFilter;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * The anatomy every simulated subject is built from: Colin27 and AAL at 2 mm (see {@link
 * TemplateBuilder}), turned into smooth tissue fields that a subject's ageing, disease and
 * deformation act on.
 *
 * <p>Fields, interleaved per voxel (index {@code FIELDS * voxel + field}) so one trilinear lookup
 * reads them all from neighbouring memory:
 *
 * <ul>
 *   <li>{@link #CSF}, {@link #GM}, {@link #WM}: tissue fractions from a three-class Gaussian mixture
 *       of the T1 intensities (k-means initialised at the CSF, grey and white matter peaks); their
 *       sum is the brain fraction, below 1 at the brain's edge.
 *   <li>{@link #VENTRICLES}: the lateral and third ventricles (CSF deeper than 12 mm inside the
 *       brain), smoothed (sigma 3 mm); a level set of it below 0.5 is a larger ventricle.
 *   <li>{@link #SULCAL_CSF}: the share of CSF or outside in a voxel's neighbourhood (sigma 2.5 mm),
 *       high at the cortical surface and in sulci: where cortex thins with age.
 *   <li>{@link #MEDIAL_TEMPORAL}: hippocampus, parahippocampal gyrus and amygdala (AAL 37-42),
 *       smoothed (sigma 2 mm): where Alzheimer-like atrophy strikes first.
 * </ul>
 */
public final class BrainTemplate {
  public static final int CSF = 0;
  public static final int GM = 1;
  public static final int WM = 2;
  public static final int VENTRICLES = 3;
  public static final int SULCAL_CSF = 4;
  public static final int MEDIAL_TEMPORAL = 5;
  public static final int FIELDS = 6;

  private static volatile BrainTemplate shared;

  private final Grid grid;
  private final float[] fields;
  private final double[] tissueMeans;
  private final double[] ventricleCentroid;
  private final double[] brainBoxMin;
  private final double[] brainBoxMax;

  private BrainTemplate(Volume t1, Volume aal) {
    this.grid = t1.grid();
    int n = grid.voxelCount();
    float[] intensity = t1.channel(0);
    float[] labels = aal.channel(0);
    tissueMeans = TissueMixture.fit(intensity);
    float[][] tissue = TissueMixture.fractions(intensity, tissueMeans);
    float[] ventricleSeed = ventricleSeed(tissue);
    float[] sulcal = new float[n];
    float[] mtl = new float[n];
    for (int i = 0; i < n; i++) {
      float brain = tissue[0][i] + tissue[1][i] + tissue[2][i];
      sulcal[i] = tissue[0][i] * (1 - ventricleSeed[i]) + (1 - brain);
      int label = Math.round(labels[i]);
      mtl[i] = label >= 37 && label <= 42 ? 1f : 0f;
    }
    float[] ventricles = GaussianFilter.smooth(grid, ventricleSeed, new double[] {3, 3, 3});
    sulcal = GaussianFilter.smooth(grid, sulcal, new double[] {2.5, 2.5, 2.5});
    mtl = GaussianFilter.smooth(grid, mtl, new double[] {2, 2, 2});
    fields = new float[n * FIELDS];
    double[] centroid = new double[3];
    double ventricleMass = 0;
    double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    double[] w = new double[3];
    for (int k = 0, i = 0; k < grid.nz(); k++) {
      for (int y = 0; y < grid.ny(); y++) {
        for (int x = 0; x < grid.nx(); x++, i++) {
          int f = FIELDS * i;
          fields[f + CSF] = tissue[0][i];
          fields[f + GM] = tissue[1][i];
          fields[f + WM] = tissue[2][i];
          fields[f + VENTRICLES] = ventricles[i];
          fields[f + SULCAL_CSF] = sulcal[i];
          fields[f + MEDIAL_TEMPORAL] = mtl[i];
          grid.affine().apply(x, y, k, w);
          if (ventricleSeed[i] > 0) {
            for (int a = 0; a < 3; a++) {
              centroid[a] += w[a];
            }
            ventricleMass++;
          }
          if (tissue[0][i] + tissue[1][i] + tissue[2][i] > 0.5f) {
            for (int a = 0; a < 3; a++) {
              lo[a] = Math.min(lo[a], w[a]);
              hi[a] = Math.max(hi[a], w[a]);
            }
          }
        }
      }
    }
    for (int a = 0; a < 3; a++) {
      centroid[a] /= Math.max(1, ventricleMass);
    }
    ventricleCentroid = centroid;
    brainBoxMin = lo;
    brainBoxMax = hi;
  }

  /** The template shipped with brainbench, loaded once per JVM. */
  public static BrainTemplate shared() {
    BrainTemplate t = shared;
    if (t == null) {
      synchronized (BrainTemplate.class) {
        t = shared;
        if (t == null) {
          try {
            t = new BrainTemplate(resource(TemplateBuilder.T1_RESOURCE), resource(TemplateBuilder.AAL_RESOURCE));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot load the built-in brain template", e);
          }
          shared = t;
        }
      }
    }
    return t;
  }

  /** Builds a template from given T1 and label volumes (for tests and other anatomies). */
  public static BrainTemplate of(Volume t1, Volume aal) {
    return new BrainTemplate(t1, aal);
  }

  /** The template's T1 image as shipped (for checks against simulated brains). */
  public static Volume colinT1() throws IOException {
    return resource(TemplateBuilder.T1_RESOURCE);
  }

  public Grid grid() {
    return grid;
  }

  /** Interleaved fields; see the class comment. Do not modify. */
  float[] fields() {
    return fields;
  }

  /** Mean T1 intensity of CSF, grey and white matter in the template. */
  public double[] tissueMeans() {
    return tissueMeans.clone();
  }

  /** World coordinates (mm) of the ventricles' centre. */
  public double[] ventricleCentroid() {
    return ventricleCentroid.clone();
  }

  /** World bounding box of voxels that are more than half brain: {min xyz, max xyz}. */
  public double[][] brainBox() {
    return new double[][] {brainBoxMin.clone(), brainBoxMax.clone()};
  }

  /** Value of one field at a voxel. */
  public float field(int voxel, int field) {
    return fields[FIELDS * voxel + field];
  }

  /** CSF more than 12 mm inside the brain: the ventricles. */
  private float[] ventricleSeed(float[][] tissue) {
    int n = grid.voxelCount();
    boolean[] inside = new boolean[n];
    for (int i = 0; i < n; i++) {
      inside[i] = tissue[0][i] + tissue[1][i] + tissue[2][i] > 0.5f;
    }
    int steps = (int) Math.round(12 / grid.spacing()[0]);
    for (int s = 0; s < steps; s++) {
      inside = erode(inside);
    }
    float[] seed = new float[n];
    for (int i = 0; i < n; i++) {
      seed[i] = inside[i] && tissue[0][i] > 0.5f ? 1f : 0f;
    }
    return seed;
  }

  private boolean[] erode(boolean[] m) {
    boolean[] out = new boolean[m.length];
    int nx = grid.nx();
    int ny = grid.ny();
    int nz = grid.nz();
    for (int k = 1; k < nz - 1; k++) {
      for (int j = 1; j < ny - 1; j++) {
        for (int i = 1; i < nx - 1; i++) {
          int idx = grid.index(i, j, k);
          out[idx] = m[idx] && m[idx - 1] && m[idx + 1] && m[idx - nx] && m[idx + nx] && m[idx - nx * ny] && m[idx + nx * ny];
        }
      }
    }
    return out;
  }

  private static Volume resource(String name) throws IOException {
    try (InputStream in = BrainTemplate.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is missing from the brainbench-tasks jar");
      }
      Path tmp = Files.createTempFile("brainbench-template-", "-" + name);
      try {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        return NiftiVolumes.read(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
