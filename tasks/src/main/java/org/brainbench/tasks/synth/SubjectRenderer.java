package org.brainbench.tasks.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.GaussianFilter;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Volume;

/**
 * Renders one {@link SubjectSpec} onto an output grid in MNI world coordinates.
 *
 * <p>Every output voxel centre is mapped back into the template: through the subject's inverse head
 * pose and size (affine), the mass effect of its lesions, and a smooth random deformation; the
 * template's tissue fields are read there and changed by the subject's ageing and disease:
 *
 * <ul>
 *   <li>ventricles widen: a lower level set of the smoothed ventricle field becomes CSF;
 *   <li>cortex thins and sulci open: grey matter where the sulcal-CSF field is above a falling
 *       threshold becomes CSF;
 *   <li>Alzheimer-like disease removes grey and white matter in the medial temporal lobe;
 *   <li>grey/white contrast falls with age.
 * </ul>
 *
 * Then the site's point spread (blur), bias field and Rician noise are applied, voxels outside the
 * brain are set to 0 (skull-stripped, like the template), and intensities are scaled to the site's
 * units. Lesion labels are decided in the same mapped coordinates, so masks lie exactly on the image
 * grid.
 */
final class SubjectRenderer {
  /** An image with one channel per contrast, and the lesion label map (null without lesions). */
  record Rendered(Volume image, Volume mask) {}

  /** The contrasts a cohort is imaged with. */
  enum Contrasts {
    /** One T1-weighted channel. */
    T1(List.of("t1")),
    /** Post-contrast T1 (enhancing rim bright) and FLAIR (oedema bright, CSF dark). */
    TUMOUR(List.of("t1ce", "flair"));

    final List<String> names;

    Contrasts(List<String> names) {
      this.names = names;
    }
  }

  // relative intensities: CSF, GM, WM, necrosis, enhancing, oedema (tissue-weighted below)
  private static final double[] T1CE = {0.20, 0.55, 0.75, 0.22, 1.15, 0.50};
  private static final double[] FLAIR = {0.08, 0.62, 0.48, 0.45, 0.85, 1.00};

  private final BrainTemplate template;
  private final SubjectSpec spec;
  private final Grid grid;
  private final Contrasts contrasts;

  // inverse subject pose: u = linear * (w - translation)
  private final double[] poseLinear = new double[9];
  private final double[] poseTranslation = new double[3];
  private final SmoothField[] deformation = new SmoothField[3];
  private final SmoothField bias;
  private final List<LesionShape> lesions = new ArrayList<>();
  private final Affine toTemplate;

  private final double ventricleThreshold;
  private final double corticalThreshold;
  private final double medialTemporalLoss;
  private final double whiteMatterT1;
  private final double[] contrastJitter;

  SubjectRenderer(BrainTemplate template, SubjectSpec spec, Grid rasGrid, Contrasts contrasts) {
    this.template = template;
    this.spec = spec;
    this.grid = storageGrid(rasGrid, spec.site().storage());
    this.contrasts = contrasts;
    this.toTemplate = template.grid().affine().inverse();
    SplittableRandom anatomy = new SplittableRandom(spec.anatomySeed());
    double head = 1 + 0.03 * SmoothField.gaussian(anatomy) + ("M".equals(spec.sex()) ? 0.016 : -0.016);
    double[] scale = new double[3];
    for (int a = 0; a < 3; a++) {
      scale[a] = head * (1 + 0.02 * SmoothField.gaussian(anatomy));
    }
    double[] angles = new double[3];
    for (int a = 0; a < 3; a++) {
      angles[a] = Math.toRadians(3 * SmoothField.gaussian(anatomy));
      poseTranslation[a] = 3 * SmoothField.gaussian(anatomy);
    }
    double[] rotation = rotation(angles);
    // inverse of (R * diag(scale)) = diag(1/scale) * R^T
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        poseLinear[3 * r + c] = rotation[3 * c + r] / scale[r];
      }
    }
    for (int a = 0; a < 3; a++) {
      deformation[a] = new SmoothField(anatomy, 6, 50, 160, 2.0);
    }
    for (Tumour t : spec.tumours()) {
      lesions.add(new LesionShape(t));
    }
    SplittableRandom noise = new SplittableRandom(spec.noiseSeed());
    bias = new SmoothField(noise, 4, 180, 400, spec.site().bias() / 2.8);
    double ageing = Math.max(0, spec.ageingIndex());
    // ventricles and cortex age at individually different rates: no single number tells the age
    double ventricleAtrophy = Math.max(0, ageing + 0.45 * spec.severity() + 0.12 * SmoothField.gaussian(anatomy));
    ventricleThreshold = 0.5 * Math.exp(-2.6 * ventricleAtrophy);
    double corticalAtrophy = Math.max(0, ageing + 0.2 * spec.severity() + 0.1 * SmoothField.gaussian(anatomy));
    corticalThreshold = Math.max(0.06, 0.55 - 0.32 * corticalAtrophy);
    medialTemporalLoss = Math.min(0.85, Math.max(0, spec.severity() * (0.38 + 0.12 * anatomy.nextDouble()) + 0.08 * ageing));
    double[] t1 = spec.site().t1Contrast();
    whiteMatterT1 = t1[2] - 0.35 * (t1[2] - t1[1]) * Math.min(1.2, ageing);
    contrastJitter = new double[] {1 + 0.04 * SmoothField.gaussian(noise), 1 + 0.04 * SmoothField.gaussian(noise)};
  }

  /** The grid the site stores: the RAS grid with axes flipped as the site's storage order says. */
  static Grid storageGrid(Grid ras, String storage) {
    boolean flipX = storage.charAt(0) == 'L';
    boolean flipY = storage.charAt(1) == 'P';
    boolean flipZ = storage.charAt(2) == 'I';
    double[] lin = ras.affine().linear();
    double[] t = ras.affine().translation();
    boolean[] flip = {flipX, flipY, flipZ};
    for (int c = 0; c < 3; c++) {
      if (flip[c]) {
        for (int r = 0; r < 3; r++) {
          t[r] += lin[3 * r + c] * (ras.size(c) - 1);
          lin[3 * r + c] = -lin[3 * r + c];
        }
      }
    }
    return new Grid(ras.nx(), ras.ny(), ras.nz(), Affine.of(lin, t));
  }

  Rendered render() {
    int n = grid.voxelCount();
    int channels = contrasts.names.size();
    float[][] image = new float[channels][n];
    float[] brain = new float[n];
    float[] labels = lesions.isEmpty() ? null : new float[n];
    Point point = new Point(channels);
    double[] w = new double[3];
    double[] sum = new double[channels];
    int[] votes = new int[5];
    int idx = 0;
    for (int k = 0; k < grid.nz(); k++) {
      for (int j = 0; j < grid.ny(); j++) {
        for (int i = 0; i < grid.nx(); i++, idx++) {
          grid.affine().apply(i, j, k, w);
          int centreLabel = renderPoint(w, point);
          if (!point.nearLesion) {
            brain[idx] = (float) point.brain;
            for (int c = 0; c < channels; c++) {
              image[c][idx] = (float) point.intensity[c];
            }
            continue;
          }
          // near a lesion: 2x2x2 sub-voxels give partial-volume edges; the label is the majority,
          // ties going to the centre's label
          java.util.Arrays.fill(sum, 0);
          java.util.Arrays.fill(votes, 0);
          double brainSum = 0;
          for (int sub = 0; sub < 8; sub++) {
            grid.affine().apply(i + ((sub & 1) - 0.5) / 2, j + (((sub >> 1) & 1) - 0.5) / 2, k + (((sub >> 2) & 1) - 0.5) / 2, w);
            votes[renderPoint(w, point)]++;
            brainSum += point.brain;
            for (int c = 0; c < channels; c++) {
              sum[c] += point.intensity[c];
            }
          }
          int label = centreLabel;
          for (int l = 0; l < votes.length; l++) {
            if (votes[l] > votes[label]) {
              label = l;
            }
          }
          brain[idx] = (float) (brainSum / 8);
          labels[idx] = label;
          for (int c = 0; c < channels; c++) {
            image[c][idx] = (float) (sum[c] / 8);
          }
        }
      }
    }
    finish(image, brain);
    return new Rendered(new Volume(grid, image), labels == null ? null : Volume.of(grid, labels));
  }

  /** Scratch state for one sampled point. */
  private static final class Point {
    final double[] u = new double[3];
    final double[] q = new double[3];
    final double[] v = new double[3];
    final float[] fields = new float[BrainTemplate.FIELDS];
    final double[] tissue = new double[3];
    final double[] intensity;
    double brain;
    boolean nearLesion;

    Point(int channels) {
      intensity = new double[channels];
    }
  }

  /**
   * Renders the point at world position w into {@code p}: brain fraction and channel intensities;
   * returns its lesion label (0 outside lesions or outside the brain).
   */
  private int renderPoint(double[] w, Point p) {
    double[] u = p.u;
    for (int r = 0; r < 3; r++) {
      u[r] = poseLinear[3 * r] * (w[0] - poseTranslation[0])
          + poseLinear[3 * r + 1] * (w[1] - poseTranslation[1])
          + poseLinear[3 * r + 2] * (w[2] - poseTranslation[2]);
    }
    int core = 0;
    double coreLevel = Double.MAX_VALUE;
    boolean inOedema = false;
    double oedemaLevel = 1;
    double texture = 0;
    LesionShape owner = null;
    p.nearLesion = false;
    for (LesionShape lesion : lesions) {
      double[] l = lesion.label(u);
      p.nearLesion |= l[3] > 0;
      if ((l[0] == 1 || l[0] == 4) && l[1] < coreLevel) {
        core = (int) l[0];
        coreLevel = l[1];
        texture = l[2];
        owner = lesion;
      } else if (l[0] == 2 && core == 0 && !inOedema) {
        inOedema = true;
        oedemaLevel = l[1];
        texture = l[2];
        owner = lesion;
      }
    }
    int label = core != 0 ? core : inOedema ? 2 : 0;
    for (LesionShape lesion : lesions) {
      lesion.push(u);
    }
    for (int r = 0; r < 3; r++) {
      p.q[r] = u[r] + deformation[r].at(u[0], u[1], u[2]);
    }
    toTemplate.apply(p.q[0], p.q[1], p.q[2], p.v);
    sampleFields(p.v, p.fields);
    p.brain = tissue(p.fields, p.tissue);
    if (p.brain <= 0.5) {
      label = 0;
    }
    for (int c = 0; c < p.intensity.length; c++) {
      p.intensity[c] = intensity(c, p.tissue, label, texture, oedemaLevel, owner);
    }
    return label;
  }

  /** Blur, bias, noise, skull-strip and scale, in place. */
  private void finish(float[][] image, float[] brain) {
    SiteProfile site = spec.site();
    float[] brainBlurred = GaussianFilter.smooth(grid, brain, site.blurMm());
    SplittableRandom noise = new SplittableRandom(spec.noiseSeed() ^ 0x5DEECE66DL);
    double[] w = new double[3];
    for (int c = 0; c < image.length; c++) {
      float[] data = GaussianFilter.smooth(grid, image[c], site.blurMm());
      double sd = site.noise() * site.t1Contrast()[2];
      int idx = 0;
      for (int k = 0; k < grid.nz(); k++) {
        for (int j = 0; j < grid.ny(); j++) {
          for (int i = 0; i < grid.nx(); i++, idx++) {
            if (brainBlurred[idx] < 0.3f) {
              data[idx] = 0f;
              continue;
            }
            grid.affine().apply(i, j, k, w);
            double value = data[idx] * Math.exp(bias.at(w[0], w[1], w[2]));
            double re = value + sd * SmoothField.gaussian(noise);
            double im = sd * SmoothField.gaussian(noise);
            data[idx] = (float) (Math.sqrt(re * re + im * im) * site.scale());
          }
        }
      }
      image[c] = data;
    }
  }

  /** Subject tissue fractions {csf, gm, wm} at a template sample; returns the brain fraction. */
  private double tissue(float[] f, double[] out) {
    double csf = f[BrainTemplate.CSF];
    double gm = f[BrainTemplate.GM];
    double wm = f[BrainTemplate.WM];
    double b = csf + gm + wm;
    if (b < 1e-4) {
      out[0] = out[1] = out[2] = 0;
      return 0;
    }
    // widened ventricles
    double ventricle = sigmoid((f[BrainTemplate.VENTRICLES] - ventricleThreshold) / 0.03);
    double keep = b * (1 - ventricle);
    if (gm + wm > keep) {
      double s = keep / (gm + wm);
      gm *= s;
      wm *= s;
    }
    // thinner cortex, wider sulci
    gm -= gm * 0.9 * sigmoid((f[BrainTemplate.SULCAL_CSF] - corticalThreshold) / 0.04);
    // medial temporal atrophy
    double mtl = medialTemporalLoss * f[BrainTemplate.MEDIAL_TEMPORAL];
    gm -= gm * mtl;
    wm -= wm * 0.6 * mtl;
    out[0] = b - gm - wm;
    out[1] = gm;
    out[2] = wm;
    return b;
  }

  private double intensity(int channel, double[] tissue, int label, double texture, double oedemaLevel, LesionShape lesion) {
    if (contrasts == Contrasts.T1) {
      double[] t1 = spec.site().t1Contrast();
      return tissue[0] * t1[0] + tissue[1] * t1[1] + tissue[2] * whiteMatterT1;
    }
    double[] p = channel == 0 ? T1CE : FLAIR;
    double normal = (tissue[0] * p[0] + tissue[1] * p[1] + tissue[2] * p[2]) * contrastJitter[channel];
    if (label == 0) {
      return normal;
    }
    double gain = (1 + texture) * contrastJitter[channel] * lesion.gain[channel];
    return switch (label) {
      case 1 -> p[3] * gain;
      case 4 -> p[4] * gain;
      // oedema fades towards its edge
      default -> {
        double weight = 0.8 * (1 - 0.55 * oedemaLevel * oedemaLevel);
        yield (1 - weight) * normal + weight * p[5] * gain;
      }
    };
  }

  /** Trilinear lookup of all template fields at continuous template voxel coordinates (0 outside). */
  private void sampleFields(double[] v, float[] out) {
    Grid g = template.grid();
    float[] fields = template.fields();
    java.util.Arrays.fill(out, 0f);
    if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[0] > g.nx() - 1 || v[1] > g.ny() - 1 || v[2] > g.nz() - 1) {
      return;
    }
    int x0 = Math.min((int) v[0], g.nx() - 2);
    int y0 = Math.min((int) v[1], g.ny() - 2);
    int z0 = Math.min((int) v[2], g.nz() - 2);
    double fx = v[0] - x0;
    double fy = v[1] - y0;
    double fz = v[2] - z0;
    int sy = g.nx();
    int sz = g.nx() * g.ny();
    int base = x0 + y0 * sy + z0 * sz;
    for (int corner = 0; corner < 8; corner++) {
      int dx = corner & 1;
      int dy = (corner >> 1) & 1;
      int dz = (corner >> 2) & 1;
      double weight = (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz);
      if (weight == 0) {
        continue;
      }
      int f0 = BrainTemplate.FIELDS * (base + dx + dy * sy + dz * sz);
      for (int f = 0; f < BrainTemplate.FIELDS; f++) {
        out[f] += (float) (weight * fields[f0 + f]);
      }
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** Rotation matrix (row-major) for angles about x, then y, then z. */
  private static double[] rotation(double[] a) {
    double cx = Math.cos(a[0]);
    double sx = Math.sin(a[0]);
    double cy = Math.cos(a[1]);
    double sy = Math.sin(a[1]);
    double cz = Math.cos(a[2]);
    double sz = Math.sin(a[2]);
    double[] rx = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    double[] ry = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    double[] rz = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    return multiply(rz, multiply(ry, rx));
  }

  private static double[] multiply(double[] a, double[] b) {
    double[] out = new double[9];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 3; k++) {
          out[3 * r + c] += a[3 * r + k] * b[3 * k + c];
        }
      }
    }
    return out;
  }

  /** A tumour's irregular boundaries and mass effect. */
  private static final class LesionShape {
    private final Tumour tumour;
    private final SmoothField core;
    private final SmoothField oedema;
    private final SmoothField texture;
    private final double[] gain;
    private final double reach;
    private static final double[] FAR = {0, Double.MAX_VALUE, 0, 0};

    LesionShape(Tumour t) {
      tumour = t;
      SplittableRandom r = new SplittableRandom(t.shapeSeed());
      core = new SmoothField(r, 6, 1.2 * t.radius(), 3 * t.radius(), 0.14);
      oedema = new SmoothField(r, 6, 2 * t.radius(), 5 * t.radius(), 0.22);
      texture = new SmoothField(r, 10, 4, 16, 0.16);
      // each lesion enhances and swells a little differently
      gain = new double[] {0.8 + 0.35 * r.nextDouble(), 0.8 + 0.35 * r.nextDouble()};
      reach = 1.6 * t.oedema() * t.radius();
    }

    /**
     * At template-aligned point u: {label (0 none, 1, 2, 4), level (relative distance to the
     * boundary of that label's region), texture, near (1 if within the lesion's reach)}.
     */
    double[] label(double[] u) {
      double dx = u[0] - tumour.center()[0];
      double dy = u[1] - tumour.center()[1];
      double dz = u[2] - tumour.center()[2];
      double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (d > reach) {
        return FAR;
      }
      double level = d / tumour.radius() * (1 + core.at(u[0], u[1], u[2]));
      double tex = texture.at(u[0], u[1], u[2]);
      if (level < tumour.necrosis()) {
        return new double[] {1, level, tex, 1};
      }
      if (level < 1) {
        return new double[] {4, level, tex, 1};
      }
      double oedemaLevel = d / (tumour.radius() * tumour.oedema()) * (1 + oedema.at(u[0], u[1], u[2]));
      return oedemaLevel < 1 ? new double[] {2, oedemaLevel, tex, 1} : new double[] {0, level, 0, 1};
    }

    /** Moves u towards the centre: the tissue seen here was pushed out from there. */
    void push(double[] u) {
      double s = 1.2 * tumour.radius();
      double dx = u[0] - tumour.center()[0];
      double dy = u[1] - tumour.center()[1];
      double dz = u[2] - tumour.center()[2];
      double d2 = dx * dx + dy * dy + dz * dz;
      double k = 1 - tumour.massEffect() * Math.exp(-d2 / (2 * s * s));
      u[0] = tumour.center()[0] + dx * k;
      u[1] = tumour.center()[1] + dy * k;
      u[2] = tumour.center()[2] + dz * k;
    }
  }
}
