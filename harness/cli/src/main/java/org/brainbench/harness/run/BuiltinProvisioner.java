package org.brainbench.harness.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.harness.suite.BuiltinData;
import org.brainbench.harness.suite.DatasetEntry;
import org.brainbench.harness.suite.Suite;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.synth.SynthDatasetWriter;
import org.brainbench.tasks.synth.SynthSettings;

/**
 * Generates the built-in data a suite uses, once: task folders whose {@code synth.json} matches the
 * settings are reused; the rest are generated under a file lock, so two runs sharing the cache do
 * not write the same files at once.
 */
final class BuiltinProvisioner {
  private BuiltinProvisioner() {}

  static void ensure(Suite suite, List<TaskType> needed, PrintWriter log) throws IOException {
    BuiltinData b = suite.builtin();
    if (b == null || needed.isEmpty()) {
      return;
    }
    Files.createDirectories(b.folder());
    int threads = Runtime.getRuntime().availableProcessors();
    try (FileChannel ch = FileChannel.open(b.folder().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      List<TaskType> missing = new ArrayList<>();
      for (TaskType t : needed) {
        if (!SynthDatasetWriter.isCurrent(b.folder(), b.settings(List.of(t), threads))) {
          missing.add(t);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      SynthSettings settings = b.settings(missing, threads);
      int total = SynthDatasetWriter.scanCount(settings);
      log.printf("generating the built-in data (%s, %d scans at %dx%dx%d) into %s%n", missing.stream().map(TaskType::id).toList(),
          total, b.shape()[0], b.shape()[1], b.shape()[2], b.folder());
      log.flush();
      try (Progress p = Progress.start("  synth", total)) {
        SynthDatasetWriter.write(b.folder(), settings, p::stepTo);
      }
    }
  }

  static List<TaskType> neededTasks(Suite suite) {
    List<TaskType> out = new ArrayList<>();
    List<String> datasets = new ArrayList<>();
    suite.tasks().forEach(t -> datasets.add(t.dataset()));
    suite.stages().forEach(s -> datasets.add(s.task().dataset()));
    for (String name : datasets) {
      DatasetEntry d = suite.datasets().get(name);
      if (d.isBuiltin() && !out.contains(d.builtinTask())) {
        out.add(d.builtinTask());
      }
    }
    return out;
  }
}
