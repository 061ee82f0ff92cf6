package org.brainbench.cli.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.run.Progress;
import org.brainbench.harness.UserInputException;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.synth.SynthDatasetWriter;
import org.brainbench.tasks.synth.SynthSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code data synth}: writes the built-in simulated dataset (one folder and manifest per task). */
@Command(name = "synth", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {
    "Simulate subjects on real anatomy (Colin27 + AAL) and write NIfTI files and a manifest.csv per task:",
    "DIR/classify (CN vs Alzheimer-like), DIR/regress (brain age 20-90), DIR/segment (tumours, BraTS labels 1/2/4),",
    "DIR/pretrain (healthy, unlabelled, twice as many subjects). Deterministic for a seed."})
public final class SynthCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--tasks", split = ",", paramLabel = "LIST", description = "Task types to generate (default: all): classify,regress,segment,pretrain.")
  List<String> tasks = List.of("classify", "regress", "segment", "pretrain");

  @Option(names = "--subjects", paramLabel = "N", description = "Subjects per task; pretrain gets 2N (default: ${DEFAULT-VALUE}).")
  int subjects = 100;

  @Option(names = "--shape", paramLabel = "S", description = "Grid size: N for a cube or XxYxZ (default: ${DEFAULT-VALUE}).")
  String shape = "64";

  @Option(names = "--spacing", paramLabel = "MM", description = "Voxel size in mm: one value or XxYxZ (default: the largest isotropic size that fits the brain).")
  String spacing;

  @Option(names = "--seed", paramLabel = "K", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--follow-up", paramLabel = "F", description = "Share of classify/regress subjects with a second session (default: ${DEFAULT-VALUE}).")
  double followUp = 0.2;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all cores). Output does not depend on it.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    SynthSettings settings = settings();
    int total = SynthDatasetWriter.scanCount(settings);
    long start = System.nanoTime();
    try (Progress progress = Progress.start("synth", total)) {
      SynthDatasetWriter.write(out, settings, progress::stepTo);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    spec.commandLine().getOut().printf("wrote %d scans (%s) to %s in %.1f s (%.0f scans/min)%n",
        total, String.join(", ", tasks), out, seconds, total / seconds * 60);
    return Main.EXIT_OK;
  }

  SynthSettings settings() {
    List<TaskType> types = new ArrayList<>();
    for (String t : tasks) {
      TaskType type = TaskType.fromId(t.trim());
      if (type == null) {
        throw new UserInputException("--tasks: unknown task type \"" + t + "\" (classify, regress, segment, pretrain)");
      }
      if (!types.contains(type)) {
        types.add(type);
      }
    }
    try {
      return new SynthSettings(Sizes.ints("--shape", shape), spacing == null ? null : Sizes.doubles("--spacing", spacing),
          seed, subjects, types, followUp, threads);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
  }
}
