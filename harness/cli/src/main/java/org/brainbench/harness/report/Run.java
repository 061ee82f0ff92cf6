package org.brainbench.harness.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.brainbench.harness.result.PredictionFiles;

/** One result row and the results folder it came from (where its per-case predictions lie). */
public record Run(ObjectNode row, Path folder) {
  public String suite() {
    return row.path("suite").asText();
  }

  public String cell() {
    return row.path("cell").asText();
  }

  public String task() {
    return row.path("task").asText();
  }

  public String taskType() {
    return row.path("taskType").asText();
  }

  public String model() {
    return row.path("model").asText();
  }

  public String backend() {
    return row.path("backend").asText();
  }

  public int seed() {
    return row.path("seed").asInt();
  }

  public int fold() {
    return row.path("fold").asInt();
  }

  public double labelFraction() {
    return row.path("labelFraction").asDouble(1.0);
  }

  public boolean ok() {
    return "ok".equals(row.path("status").asText());
  }

  public String error() {
    JsonNode e = row.path("error");
    return e.isNull() || e.isMissingNode() ? "" : e.asText();
  }

  /** A metric of the row, NaN when absent or not a number. */
  public double metric(String key) {
    JsonNode v = row.path("metrics").path(key);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  public Path predictionsFile() {
    return PredictionFiles.csv(folder, cell());
  }

  /** Seed and fold: what pairs two models' runs on the same test cases. */
  public String pairing() {
    return "s" + seed() + "/f" + fold();
  }
}
