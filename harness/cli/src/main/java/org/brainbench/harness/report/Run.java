package org.brainbench.harness.report;

import java.nio.file.Path;
import org.brainbench.harness.result.PredictionFiles;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.tasks.TaskType;

/** One result row and the results folder it came from (where its per-case predictions lie). */
public record Run(ResultRow row, Path folder) {
  public String suite() {
    return row.suite();
  }

  public String cell() {
    return row.cell();
  }

  public String task() {
    return row.task();
  }

  public TaskType type() {
    return row.taskType();
  }

  /** The task type's id ({@code classify}, ...). */
  public String taskType() {
    return row.taskType().id();
  }

  public String model() {
    return row.model();
  }

  public String backend() {
    return row.backend();
  }

  public long seed() {
    return row.seed();
  }

  public int fold() {
    return row.fold();
  }

  public double labelFraction() {
    return row.labelFraction();
  }

  public boolean ok() {
    return row.ok();
  }

  public String error() {
    return row.errorText();
  }

  /** A metric of the row, NaN when absent or not a number. */
  public double metric(String key) {
    return row.metrics().scalar(key);
  }

  public Path predictionsFile() {
    return PredictionFiles.csv(folder, cell());
  }

  /** Seed and fold: what pairs two models' runs on the same test cases. */
  public String pairing() {
    return row.pairing();
  }
}
