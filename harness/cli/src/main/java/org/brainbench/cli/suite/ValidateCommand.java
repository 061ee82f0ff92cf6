package org.brainbench.cli.suite;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ParameterCount;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.CellMatrix;
import org.brainbench.harness.suite.ModelEntry;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate SUITE.yaml}: checks a suite without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Check a suite without running it; lists every problem with its path, exit 2 if invalid.")
public final class ValidateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SUITE.yaml", description = "The suite file.")
  Path suiteFile;

  @Option(names = "--params", description = "Also build every (task, model) on the suite's first backend and print total and trainable parameters (with the model's fine-tune mode).")
  boolean params;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Suite suite = SuiteReader.read(suiteFile);
    List<Cell> cells = RunCommand.cells(suite, null, null);
    List<String> weights = org.brainbench.harness.run.WeightsPreflight.problems(suite, cells);
    if (!weights.isEmpty()) {
      throw new UserInputException(suiteFile + ": weights files that do not fit (" + weights.size() + "):\n  " + String.join("\n  ", weights));
    }
    List<String> splits;
    try {
      splits = org.brainbench.harness.run.SplitFilesPreflight.problems(suite);
    } catch (java.io.IOException e) {
      throw new UserInputException(suiteFile + ": " + e.getMessage());
    }
    if (!splits.isEmpty()) {
      throw new UserInputException(suiteFile + ": split tables that do not fit (" + splits.size() + "):\n  " + String.join("\n  ", splits));
    }
    var out = spec.commandLine().getOut();
    out.printf("%s: valid suite \"%s\": %d task(s), %d model(s), backends %s, %d cell(s)%n", suiteFile, suite.name(),
        suite.tasks().size(), suite.models().size(), suite.backends(), cells.size());
    if (params) {
      printParameters(suite, cells, out);
      return Main.EXIT_OK;
    }
    for (Cell c : cells) {
      out.println("  " + c.id());
    }
    return Main.EXIT_OK;
  }

  /** Input channels of a task's data: the files in the manifest's first image field, or null before the data exists. */
  private static Integer channels(Suite suite, TaskEntry task) {
    try {
      Path source = suite.datasets().get(task.dataset()).source().path();
      Path manifest = java.nio.file.Files.isDirectory(source) ? org.brainbench.tasks.dataset.DatasetFormat.manifestIn(source) : source;
      if (manifest == null || !java.nio.file.Files.isRegularFile(manifest) || !manifest.toString().matches(".*\\.(csv|tsv)$")) {
        return null;
      }
      var format = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
          .setDelimiter(manifest.toString().endsWith(".tsv") ? '\t' : ',').get();
      try (var parser = org.apache.commons.csv.CSVParser.parse(manifest, java.nio.charset.StandardCharsets.UTF_8, format)) {
        var first = parser.iterator();
        return first.hasNext() ? first.next().get("image").split(";").length : null;
      }
    } catch (java.io.IOException | RuntimeException e) {
      return null; // validation proper already checked the data; counts then assume one channel
    }
  }

  /**
   * Total and trainable parameters per (task, model), and how many fewer trainable parameters
   * each has than the task's model with the most: the Medical Transformer paper's efficiency claim,
   * checked before anything trains. Input channels are 1 where the data is not read yet.
   */
  private static void printParameters(Suite suite, List<Cell> cells, PrintWriter out) {
    String backendId = suite.backends().get(0);
    Backend backend = Backends.find(backendId);
    if (backend == null) {
      throw new UserInputException("backend " + backendId + " is not available");
    }
    out.printf("%nparameters on %s (input channels from the manifest where it exists, else 1):%n", backendId);
    // the first column fits the longest task or stage name
    int nameWidth = Math.max(14, java.util.stream.Stream.concat(suite.tasks().stream().map(TaskEntry::name), suite.stages().stream().map(s -> s.name()))
        .mapToInt(String::length).max().orElse(0));
    String row = "  %-" + nameWidth + "s %-24s %-15s %14s %14s  ";
    out.printf(row + "%s%n", "task", "model", "fine-tune", "total", "trainable", "fewer trainable than the largest");
    for (TaskEntry task : suite.tasks()) {
      if (task.type() == TaskType.PRETRAIN) {
        continue;
      }
      List<String[]> rows = new ArrayList<>();
      long largest = 0;
      List<Long> trainables = new ArrayList<>();
      for (ModelEntry m : suite.models()) {
        TaskHead head = CellMatrix.head(task, m, channels(suite, task));
        if (cells.stream().noneMatch(c -> c.task().name().equals(task.name()) && c.model().name().equals(m.name()))) {
          continue; // excluded
        }
        try (Model model = backend.newModel(m.spec(), head, TrainingConfig.defaults(), 0)) {
          model.setFrozen(m.spec().frozenBy(m.fineTune()));
          ParameterCount c = model.parameterCount();
          rows.add(new String[] {task.name(), m.name(), m.fineTune().id(), String.format("%,d", c.total()), String.format("%,d", c.trainable())});
          trainables.add(c.trainable());
          largest = Math.max(largest, c.trainable());
        }
      }
      for (int i = 0; i < rows.size(); i++) {
        String[] r = rows.get(i);
        double fewer = largest == 0 ? 0 : 100.0 * (largest - trainables.get(i)) / largest;
        out.printf(row + "%.1f%%%n", r[0], r[1], r[2], r[3], r[4], fewer);
      }
    }
    for (org.brainbench.harness.suite.Stage stage : suite.stages()) {
      // a stage trains what its objective trains (masked-encoding in jun2021: the Transformer only)
      TaskHead head = CellMatrix.pretrainHead(stage);
      try (Model model = backend.newModel(stage.model().spec(), head, TrainingConfig.defaults(), 0)) {
        ParameterCount c = model.parameterCount();
        out.printf(row + "%s%n", stage.name(), stage.model().name(), "stage", String.format("%,d", c.total()),
            String.format("%,d", c.trainable()), head.objectiveOf(stage.model().spec()).id() + (stage.initStage() == null ? "" : ", from " + stage.initStage()));
      }
    }
  }
}
