package org.brainbench.harness.run;

import java.util.List;
import java.util.Map;
import org.brainbench.harness.result.EpochRecord;
import org.brainbench.harness.result.InitReport;
import org.brainbench.harness.result.MetricValues;
import org.brainbench.harness.result.ParamCounts;
import org.brainbench.harness.result.Provenance;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.Status;
import org.brainbench.harness.result.Timing;
import org.brainbench.harness.suite.Cell;
import org.brainbench.harness.suite.Suite;

/**
 * A row filled in as a cell or stage runs: its identity first, then whatever the run gets to, so a
 * failure at any point still leaves a row with as much as was known.
 */
final class RowBuilder {
  private final Suite suite;
  private final Cell cell;
  Status status = Status.RUNNING;
  String error;
  Provenance provenance = Provenance.empty();
  Map<String, Integer> split;
  InitReport init;
  MetricValues metrics;
  Map<String, double[]> ci95;
  MetricValues baseline;
  ParamCounts params;
  Timing timing;
  Integer epochs;
  Integer bestEpoch;
  int resumedFromEpoch;
  List<EpochRecord> history;
  Double trainWallSeconds;
  String weights;
  org.brainbench.api.model.Objective objective;
  Long peakRssBytes;
  org.brainbench.harness.result.TuningReport tuning;
  String labelConvention;

  RowBuilder(Suite suite, Cell cell) {
    this.suite = suite;
    this.cell = cell;
  }

  RowBuilder ok() {
    status = Status.OK;
    error = null;
    return this;
  }

  RowBuilder failed(String why) {
    status = Status.FAILED;
    error = why;
    return this;
  }

  /** Training's outcome: epochs run, the best one, where a resumed run continued from, and the history. */
  void training(TrainingLoop.Result result) {
    epochs = result.history().size();
    bestEpoch = result.bestEpoch();
    resumedFromEpoch = result.resumedFromEpoch();
    history = result.history().stream()
        .map(e -> new EpochRecord(e.epoch(), e.trainLoss(), e.validation(), e.learningRate(), e.seconds(), e.diagnostics())).toList();
  }

  ResultRow build() {
    return new ResultRow(ResultRow.SCHEMA, suite.name(), cell.id(), cell.task().name(), cell.task().type(), cell.task().dataset(), cell.model().name(),
        cell.model().id(), protocol(), cell.backend(), cell.seed(), cell.fold(), cell.labelFraction(), status, error, provenance, split, init, metrics, ci95,
        baseline, params, timing, epochs, bestEpoch, resumedFromEpoch, history, trainWallSeconds, weights,
        objective == null ? null : objective.id(), peakRssBytes, tuning, labelConvention);
  }

  private String protocol() {
    String p = cell.model().spec().protocol();
    return p.isEmpty() ? null : p;
  }
}
