package org.brainbench.tasks.synth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.seed.Seeds;

/**
 * Draws the subjects of each task's cohort: ages, sex, site, diagnosis and disease stage, lesions,
 * follow-up sessions. Each task draws from its own seeded stream, so cohorts are disjoint and
 * adding a task does not change the others.
 *
 * <ul>
 *   <li>classify: half cognitively normal (CN, 55-90 years), half Alzheimer-like (AD, 60-90, stage
 *       0.5-1.3); some CN subjects carry mild medial-temporal atrophy, so classes overlap.
 *   <li>regress: healthy, 20-90 years, uniform.
 *   <li>segment: 25-80 years, one main tumour (10-22 mm) and up to two satellites.
 *   <li>pretrain: healthy, 20-90 years, twice as many subjects.
 * </ul>
 */
final class CohortSampler {
  private final BrainTemplate template;
  private final SynthSettings settings;

  CohortSampler(BrainTemplate template, SynthSettings settings) {
    this.template = template;
    this.settings = settings;
  }

  List<SubjectSpec> cohort(TaskType task) {
    SplittableRandom random = new SplittableRandom(Seeds.mix(settings.seed(), task.id()));
    int n = settings.subjectsFor(task);
    List<String> diagnoses = new ArrayList<>();
    if (task == TaskType.CLASSIFY) {
      for (int i = 0; i < n; i++) {
        diagnoses.add(i < n / 2 ? "AD" : "CN");
      }
      Collections.shuffle(diagnoses, new Random(random.nextLong()));
    }
    String prefix = switch (task) {
      case CLASSIFY -> "cls";
      case REGRESS -> "reg";
      case SEGMENT -> "seg";
      case PRETRAIN -> "pre";
    };
    boolean sessions = (task == TaskType.CLASSIFY || task == TaskType.REGRESS) && settings.followUpFraction() > 0;
    List<SubjectSpec> out = new ArrayList<>();
    int width = Math.max(4, String.valueOf(n).length());
    for (int i = 0; i < n; i++) {
      String id = String.format(Locale.ROOT, "sub-%s%0" + width + "d", prefix, i + 1);
      SplittableRandom r = random.split();
      long anatomySeed = r.nextLong();
      String sex = r.nextBoolean() ? "M" : "F";
      SiteProfile site = SiteProfile.DEFAULTS.get(r.nextInt(SiteProfile.DEFAULTS.size()));
      double reserve = 0.12 * SmoothField.gaussian(r);
      String diagnosis = task == TaskType.CLASSIFY ? diagnoses.get(i) : null;
      double age;
      double severity = 0;
      List<Tumour> tumours = List.of();
      switch (task) {
        case CLASSIFY -> {
          if ("AD".equals(diagnosis)) {
            age = 60 + 30 * r.nextDouble();
            severity = 0.5 + 0.8 * r.nextDouble();
          } else {
            age = 55 + 35 * r.nextDouble();
            severity = Math.max(0, 0.15 * SmoothField.gaussian(r));
          }
        }
        case SEGMENT -> {
          age = 25 + 55 * r.nextDouble();
          tumours = tumours(r);
        }
        default -> age = 20 + 70 * r.nextDouble();
      }
      boolean followUp = sessions && r.nextDouble() < settings.followUpFraction();
      out.add(new SubjectSpec(id, sessions ? "ses-1" : null, round1(age), sex, site, diagnosis, severity, reserve, tumours, anatomySeed, r.nextLong()));
      if (followUp) {
        double years = 1.5 + 1.5 * r.nextDouble();
        double progressed = "AD".equals(diagnosis) ? severity + 0.12 * years : severity;
        out.add(new SubjectSpec(id, "ses-2", round1(age + years), sex, site, diagnosis, progressed, reserve, tumours, anatomySeed, r.nextLong()));
      }
    }
    return out;
  }

  private List<Tumour> tumours(SplittableRandom r) {
    List<Tumour> out = new ArrayList<>();
    double[] main = deepBrainPoint(r, null, 0);
    out.add(new Tumour(main, 10 + 12 * r.nextDouble(), r.nextDouble() < 0.85 ? 0.5 + 0.35 * r.nextDouble() : 0,
        1.4 + 0.9 * r.nextDouble(), 0.15 + 0.3 * r.nextDouble(), r.nextLong()));
    int satellites = r.nextInt(3);
    for (int s = 0; s < satellites; s++) {
      double[] c = deepBrainPoint(r, r.nextBoolean() ? main : null, 15 + 20 * r.nextDouble());
      out.add(new Tumour(c, 4 + 6 * r.nextDouble(), r.nextDouble() < 0.3 ? 0.4 : 0, 1.3 + 0.8 * r.nextDouble(),
          0.05 + 0.1 * r.nextDouble(), r.nextLong()));
    }
    return out;
  }

  /**
   * A template point inside tissue, away from the surface: anywhere, or at a given distance from
   * {@code near} (falling back to anywhere if no such point is found).
   */
  private double[] deepBrainPoint(SplittableRandom r, double[] near, double distance) {
    double[][] box = template.brainBox();
    int n = template.grid().voxelCount();
    double[] v = new double[3];
    for (int attempt = 0; attempt < 10_000; attempt++) {
      double[] p = new double[3];
      if (near != null && attempt < 5_000) {
        double[] dir = SmoothField.unitVector(r);
        for (int a = 0; a < 3; a++) {
          p[a] = near[a] + distance * dir[a];
        }
      } else {
        for (int a = 0; a < 3; a++) {
          p[a] = box[0][a] + r.nextDouble() * (box[1][a] - box[0][a]);
        }
      }
      template.grid().affine().inverse().apply(p[0], p[1], p[2], v);
      int i = (int) Math.round(v[0]);
      int j = (int) Math.round(v[1]);
      int k = (int) Math.round(v[2]);
      if (i < 0 || j < 0 || k < 0 || i >= template.grid().nx() || j >= template.grid().ny() || k >= template.grid().nz()) {
        continue;
      }
      int idx = template.grid().index(i, j, k);
      if (idx < n && template.field(idx, BrainTemplate.WM) + template.field(idx, BrainTemplate.GM) > 0.9
          && template.field(idx, BrainTemplate.SULCAL_CSF) < 0.15 && template.field(idx, BrainTemplate.VENTRICLES) < 0.2
          && p[2] > -30) {
        return p;
      }
    }
    throw new IllegalStateException("no tissue point found in the template");
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
