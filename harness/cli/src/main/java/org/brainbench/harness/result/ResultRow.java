package org.brainbench.harness.result;

import java.util.List;
import java.util.Map;
import org.brainbench.tasks.TaskType;

/**
 * One line of {@code results.jsonl}: a cell's result, or a pre-training stage's (task type
 * {@code pretrain}; it has {@code weights} and no CIs, baseline or predictions). {@link ResultRows}
 * reads and writes it; docs/results.md describes every field.
 *
 * <p>Optional parts are null (or empty) when not there: a failed cell has its identity, status,
 * error, and as much provenance as it got.
 *
 * @param split subjects per partition ({@code train}, {@code validation}, {@code test}, {@code unused})
 * @param ci95 95% bootstrap interval [low, high] of each metric
 * @param baseline the trivial baseline's metrics on the same test cases
 * @param resumedFromEpoch the epoch training continued from after an interruption, 0 if none
 * @param protocol the model's published variant ({@code jun2021}, {@code ema}); null for a model with one
 * @param weights a stage's weights file, relative to the results folder
 * @param objective the pre-training objective a stage trained ({@code triplet}, {@code masked-encoding}); null for a cell
 * @param peakRssBytes peak resident memory of the cell, null where it cannot be measured
 * @param tuning the hyperparameter search that chose the cell's training settings, or null
 * @param labelConvention segment cells scored with BraTS regions: whose label convention defined them
 *     ({@code brats2021}, {@code brats2023}, {@code msd}); else null
 */
public record ResultRow(
    int schema,
    String suite,
    String cell,
    String task,
    TaskType taskType,
    String dataset,
    String model,
    String modelId,
    String protocol,
    String backend,
    long seed,
    int fold,
    double labelFraction,
    Status status,
    String error,
    Provenance provenance,
    Map<String, Integer> split,
    InitReport init,
    MetricValues metrics,
    Map<String, double[]> ci95,
    MetricValues baseline,
    ParamCounts params,
    Timing timing,
    Integer epochs,
    Integer bestEpoch,
    int resumedFromEpoch,
    List<EpochRecord> history,
    Double trainWallSeconds,
    String weights,
    String objective,
    Long peakRssBytes,
    TuningReport tuning,
    String labelConvention) {
  /** The schema version this build reads and writes. */
  public static final int SCHEMA = 1;

  public ResultRow {
    if (cell == null || cell.isEmpty()) {
      throw new IllegalArgumentException("a row needs its cell id");
    }
    metrics = metrics == null ? MetricValues.empty() : metrics;
    history = history == null ? List.of() : List.copyOf(history);
  }

  public boolean ok() {
    return status == Status.OK;
  }

  public boolean isStage() {
    return taskType == TaskType.PRETRAIN;
  }

  /** Seed and fold: what pairs two models' runs on the same test cases. */
  public String pairing() {
    return "s" + seed + "/f" + fold;
  }

  /** The error, or "" when there is none. */
  public String errorText() {
    return error == null ? "" : error;
  }
}
