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

  /** Every built-in data set the suite's tasks and stages use (the suite's, and sizes datasets asked for). */
  static void ensure(Suite suite, PrintWriter log) throws IOException {
    for (var e : neededTasks(suite).entrySet()) {
      ensure(e.getKey(), e.getValue(), log);
    }
  }

  static void ensure(BuiltinData b, List<TaskType> needed, PrintWriter log) throws IOException {
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

  /** The built-in task folders the suite's tasks and stages use, per built-in data set. */
  static java.util.Map<BuiltinData, List<TaskType>> neededTasks(Suite suite) {
    java.util.Map<BuiltinData, List<TaskType>> out = new java.util.LinkedHashMap<>();
    List<String> datasets = new ArrayList<>();
    suite.tasks().forEach(t -> datasets.add(t.dataset()));
    suite.stages().forEach(s -> datasets.add(s.task().dataset()));
    for (String name : datasets) {
      DatasetEntry d = suite.datasets().get(name);
      if (d.isBuiltin()) {
        List<TaskType> tasks = out.computeIfAbsent(d.builtin(), k -> new ArrayList<>());
        if (!tasks.contains(d.builtinTask())) {
          tasks.add(d.builtinTask());
        }
      }
    }
    return out;
  }
}
