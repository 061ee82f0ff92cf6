package org.brainbench.tasks.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.io.AtomicFiles;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;

/**
 * Writes the built-in simulated dataset: one folder per task ({@code classify/}, {@code regress/},
 * {@code segment/}, {@code pretrain/}), each with NIfTI images under {@code images/} (and label maps
 * under {@code masks/}) and a {@code manifest.csv} per docs/data-formats.md. Images are int16 with scaling,
 * masks uint8, all with qform and sform (code 1, scanner) stating MNI-aligned world coordinates.
 *
 * <p>Subjects render in parallel but each from its own seeds, so the files do not depend on the
 * thread count. A manifest is written (atomically) only after all its images, and {@code
 * synth.json} last: a folder with a current {@code synth.json} is complete.
 */
public final class SynthDatasetWriter {
  public static final String STAMP = "synth.json";

  private static final NiftiWriter.Options IMAGE = NiftiWriter.Options.scaledInt16()
      .withXformCode(NiftiWriter.XFORM_SCANNER).withCompressionLevel(1).withDescription("brainbench synth");
  private static final NiftiWriter.Options MASK = NiftiWriter.Options.labels()
      .withXformCode(NiftiWriter.XFORM_SCANNER).withCompressionLevel(1).withDescription("brainbench synth labels");

  private SynthDatasetWriter() {}

  /** The isotropic (or given) grid, centred on the template brain, that output images share before site flips. */
  public static Grid outputGrid(BrainTemplate template, SynthSettings settings) {
    double margin = 16; // mm around the template brain: room for larger heads, poses and deformations
    double[][] box = template.brainBox();
    int[] shape = settings.shape();
    double[] spacing = settings.spacing();
    if (spacing == null) {
      double s = 0;
      for (int a = 0; a < 3; a++) {
        s = Math.max(s, (box[1][a] - box[0][a] + 2 * margin) / shape[a]);
      }
      spacing = new double[] {s, s, s};
    }
    double[] t = new double[3];
    for (int a = 0; a < 3; a++) {
      double center = (box[0][a] + box[1][a]) / 2;
      t[a] = center - spacing[a] * (shape[a] - 1) / 2.0;
    }
    Affine affine = Affine.of(new double[] {spacing[0], 0, 0, 0, spacing[1], 0, 0, 0, spacing[2]}, t);
    return new Grid(shape[0], shape[1], shape[2], affine);
  }

  /**
   * Generates every task of the settings under {@code out}.
   *
   * @param progress called with the number of scans finished so far (from worker threads)
   */
  public static void write(Path out, SynthSettings settings, IntConsumer progress) throws IOException {
    BrainTemplate template = BrainTemplate.shared();
    Grid grid = outputGrid(template, settings);
    CohortSampler sampler = new CohortSampler(template, settings);
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve(STAMP));
    for (TaskType task : settings.tasks()) {
      Files.deleteIfExists(out.resolve(task.id()).resolve(STAMP));
    }
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
      Thread t = new Thread(r, "synth");
      t.setDaemon(true);
      return t;
    });
    try {
      for (TaskType task : settings.tasks()) {
        List<SubjectSpec> cohort = sampler.cohort(task);
        Path folder = out.resolve(task.id());
        List<Future<String>> rows = new ArrayList<>();
        for (SubjectSpec spec : cohort) {
          rows.add(pool.submit(() -> {
            String row = writeScan(folder, task, spec, template, grid);
            progress.accept(done.incrementAndGet());
            return row;
          }));
        }
        StringBuilder manifest = new StringBuilder(header(task, cohort)).append('\n');
        for (Future<String> row : rows) {
          manifest.append(get(row)).append('\n');
        }
        AtomicFiles.writeString(folder.resolve("manifest.csv"), manifest.toString());
        AtomicFiles.writeString(folder.resolve(STAMP), stamp(settings.only(task), grid));
      }
    } finally {
      pool.shutdownNow();
    }
    AtomicFiles.writeString(out.resolve(STAMP), stamp(settings, grid));
  }

  /** Total scans {@link #write} produces (for progress bars). */
  public static int scanCount(SynthSettings settings) {
    CohortSampler sampler = new CohortSampler(BrainTemplate.shared(), settings);
    return settings.tasks().stream().mapToInt(t -> sampler.cohort(t).size()).sum();
  }

  /**
   * Whether {@code out} holds a complete dataset generated with exactly these settings: every
   * task folder's {@code synth.json} matches (cohorts do not depend on which other tasks exist).
   */
  public static boolean isCurrent(Path out, SynthSettings settings) throws IOException {
    for (TaskType task : settings.tasks()) {
      Path stamp = out.resolve(task.id()).resolve(STAMP);
      if (!Files.isRegularFile(stamp) || !Files.readString(stamp).contains("\"key\": \"" + settings.only(task).key() + "\"")) {
        return false;
      }
    }
    return true;
  }

  private static String writeScan(Path folder, TaskType task, SubjectSpec spec, BrainTemplate template, Grid grid) throws IOException {
    SubjectRenderer.Contrasts contrasts = task == TaskType.SEGMENT ? SubjectRenderer.Contrasts.TUMOUR : SubjectRenderer.Contrasts.T1;
    SubjectRenderer.Rendered r = new SubjectRenderer(template, spec, grid, contrasts).render();
    String stem = spec.session() == null ? spec.subjectId() : spec.subjectId() + "_" + spec.session();
    List<String> images = new ArrayList<>();
    for (int c = 0; c < contrasts.names.size(); c++) {
      String name = "images/" + stem + "_" + contrasts.names.get(c) + ".nii.gz";
      NiftiVolumes.write(folder.resolve(name), new org.brainbench.tasks.volume.Volume(r.image().grid(), new float[][] {r.image().channel(c)}), IMAGE);
      images.add(name);
    }
    String mask = null;
    if (r.mask() != null) {
      mask = "masks/" + stem + "_seg.nii.gz";
      NiftiVolumes.write(folder.resolve(mask), r.mask(), MASK);
    }
    return row(task, spec, String.join(";", images), mask);
  }

  private static String header(TaskType task, List<SubjectSpec> cohort) {
    boolean sessions = cohort.stream().anyMatch(s -> s.session() != null);
    String s = "subject_id" + (sessions ? ",session" : "") + ",image";
    return s + switch (task) {
      case CLASSIFY -> ",label,age,sex,site";
      case REGRESS -> ",age,sex,site";
      case SEGMENT -> ",mask,age,sex,site";
      case PRETRAIN -> ",age,sex,site";
    };
  }

  private static String row(TaskType task, SubjectSpec spec, String image, String mask) {
    String s = spec.subjectId() + (spec.session() != null ? "," + spec.session() : "") + "," + image;
    String common = String.format(Locale.ROOT, "%.1f,%s,%s", spec.age(), spec.sex(), spec.site().name());
    return s + switch (task) {
      case CLASSIFY -> "," + spec.diagnosis() + "," + common;
      case SEGMENT -> "," + mask + "," + common;
      default -> "," + common;
    };
  }

  private static String stamp(SynthSettings settings, Grid grid) {
    double[] sp = grid.spacing();
    return String.format(Locale.ROOT, """
        {
          "generator": "brainbench data synth",
          "version": %d,
          "key": "%s",
          "shape": [%d, %d, %d],
          "spacingMm": [%.6f, %.6f, %.6f],
          "seed": %d,
          "subjects": %d,
          "tasks": [%s],
          "anatomy": "Colin27 + AAL from Debian mricron-data (BSD-3), see NOTICE-mricron-data.txt"
        }
        """, SynthSettings.VERSION, settings.key(), grid.nx(), grid.ny(), grid.nz(), sp[0], sp[1], sp[2],
        settings.seed(), settings.subjects(),
        String.join(", ", settings.tasks().stream().map(t -> "\"" + t.id() + "\"").toList()));
  }

  private static String get(Future<String> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }
}
