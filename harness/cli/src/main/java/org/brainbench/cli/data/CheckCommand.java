package org.brainbench.cli.data;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.brainbench.cli.Main;
import org.brainbench.harness.Json;
import org.brainbench.harness.UserInputException;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetFormat;
import org.brainbench.tasks.dataset.DatasetProblem;
import org.brainbench.tasks.dataset.DatasetSource;
import org.brainbench.tasks.dataset.DatasetSurvey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code data check PATH}: what brainbench makes of a dataset before a run. Exit 0 when a suite
 * could use it, 2 otherwise (every problem printed with its path).
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class,
    description = {"What brainbench makes of a dataset: format, subjects, sessions, scans, channels, targets, grids, voxel sizes, "
        + "orientations, and every problem with its path. Reads headers only, unless --stats.",
        "Exit 0 if a suite could use it, 2 otherwise."})
public final class CheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "PATH", description = "A manifest, or a BIDS or BraTS folder.")
  Path path;

  @Option(names = "--format", paramLabel = "F", description = "manifest, bids, brats, brats2021, brats2023, msd or nnunet (default: detected).")
  String format;

  @Option(names = "--task", paramLabel = "TYPE", description = "classify, regress or segment (default: the first that reads without problems).")
  String task;

  @Option(names = "--modalities", split = ",", paramLabel = "LIST", description = "BraTS: the channels to read, in order (default: all four).")
  List<String> modalities;

  @Option(names = "--label-column", paramLabel = "C", description = "BIDS: the participants.tsv column of the class (default: diagnosis).")
  String labelColumn;

  @Option(names = "--targets", paramLabel = "TSV", description = "BIDS: a table of the sessions to read and their targets (participant_id, "
      + "session_id, diagnosis, age; ClinicaDL's getlabels output).")
  Path targets;

  @Option(names = "--stats", description = "Also read the voxels: intensity ranges per channel, and mask label values checked against the layout's convention.")
  boolean stats;

  @Option(names = "--json", description = "Print one JSON object (format, subjects, scans, modalities, labels, problems and the summaries).")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    DatasetFormat f = null;
    if (format != null && (f = DatasetFormat.fromId(format)) == null) {
      throw new UserInputException("--format " + format + ": one of manifest, bids, brats, brats2021, brats2023, msd, nnunet");
    }
    TaskType t = null;
    if (task != null && ((t = TaskType.fromId(task)) == null || t == TaskType.PRETRAIN)) {
      throw new UserInputException("--task " + task + ": one of classify, regress, segment");
    }
    DatasetSurvey.Report r = DatasetSurvey.survey(new DatasetSource("data", path, f, labelColumn, modalities, targets), t, stats);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.mapper().writeValueAsString(r));
    } else {
      print(r, out);
    }
    out.flush();
    return r.usable() ? Main.EXIT_OK : Main.EXIT_BAD_INPUT;
  }

  private static void print(DatasetSurvey.Report r, PrintWriter out) {
    out.printf("%s: %s%s, read as a %s dataset%n", r.path(), r.format() == null ? "unknown layout" : r.format(),
        r.labelConvention() == null ? "" : " (labels: " + r.labelConvention() + ")", r.task() == null ? "?" : r.task());
    out.printf("  subjects %d, sessions %d, scans %d%n", r.subjects(), r.sessions(), r.scans());
    line(out, "channels", String.join(", ", r.modalities()));
    line(out, "classes", counts(r.classes()));
    line(out, "labels", r.labels().entrySet().stream()
        .map(e -> e.getKey() + (e.getValue().meaning() == null ? "" : " " + e.getValue().meaning())
            + (e.getValue().voxels() == null ? "" : " (" + e.getValue().voxels() + " voxels)"))
        .collect(Collectors.joining(", ")));
    if (r.ages() != null) {
      line(out, "ages", String.format(Locale.ROOT, "%d scans, %.1f / %.1f / %.1f (min / median / max)", r.ages().n(), r.ages().min(), r.ages().median(),
          r.ages().max()));
    }
    line(out, "shapes", counts(r.shapes()));
    line(out, "voxel sizes (mm)", counts(r.voxelSizes()));
    line(out, "orientations", counts(r.orientations()));
    r.intensities().forEach((channel, i) -> line(out, "intensity " + channel, String.format(Locale.ROOT,
        "scan minimum %.4g / %.4g / %.4g, scan maximum %.4g / %.4g / %.4g (min / median / max over scans)", i.scanMin().min(), i.scanMin().median(),
        i.scanMin().max(), i.scanMax().min(), i.scanMax().median(), i.scanMax().max())));
    if (r.problems().isEmpty()) {
      out.println(r.scans() == 0 ? "no scans: a suite could not use it" : "no problems: a suite can use it");
    } else {
      out.printf("%d problem(s):%n", r.problems().size());
      for (DatasetProblem p : r.problems()) {
        out.println("  " + p);
      }
    }
  }

  private static void line(PrintWriter out, String what, String value) {
    if (!value.isEmpty()) {
      out.printf("  %s: %s%n", what, value);
    }
  }

  private static String counts(Map<?, ? extends Number> m) {
    return m.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
  }
}
