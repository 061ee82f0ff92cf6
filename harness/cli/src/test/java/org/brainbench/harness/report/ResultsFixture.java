package org.brainbench.harness.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.brainbench.harness.Json;
import org.brainbench.harness.result.PredictionFiles;
import org.brainbench.harness.result.ResultRows;
import org.brainbench.harness.result.ResultsFile;

/** Writes results folders the way a run does (rows plus per-case predictions), with known content. */
final class ResultsFixture {
  private final Path folder;
  private final ResultsFile results;

  ResultsFixture(Path folder) throws IOException {
    this.folder = folder;
    this.results = ResultsFile.open(folder);
  }

  Path folder() {
    return folder;
  }

  static String cell(String task, String model, int seed, double fraction) {
    return task + "/" + model + "/djl/s" + seed + "/f0/p" + (fraction == 1 ? "1" : String.valueOf(fraction));
  }

  static ObjectNode row(String suite, String task, String type, String model, int seed, double fraction) {
    ObjectNode r = Json.mapper().createObjectNode();
    r.put("schema", 1).put("suite", suite).put("cell", cell(task, model, seed, fraction)).put("task", task).put("taskType", type)
        .put("dataset", "d").put("model", model).put("modelId", "cnn3d").put("backend", "djl").put("seed", seed).put("fold", 0)
        .put("labelFraction", fraction).put("status", "ok").putNull("error");
    r.putObject("params").put("total", 1000).put("trainable", 400);
    r.putObject("timing").put("trainSeconds", 10.0);
    var history = r.putArray("history");
    for (int epoch = 1; epoch <= 3; epoch++) {
      history.addObject().put("epoch", epoch).put("trainLoss", 1.0 / (epoch + seed));
    }
    return r;
  }

  /**
   * A two-class classification run on {@code cases} test cases: {@code skill} 1 ranks every case
   * right with confident probabilities, 0 gives random probabilities (seeded by {@code noise}).
   */
  ObjectNode classify(String task, String model, int seed, double skill, long noise, int cases) throws IOException {
    ObjectNode r = row("fixture", task, "classify", model, seed, 1.0);
    Random random = new Random(noise);
    StringBuilder csv = new StringBuilder("subject_id,truth,prediction,p_CN,p_AD\n");
    int[] truth = new int[cases];
    double[] pAd = new double[cases];
    for (int i = 0; i < cases; i++) {
      truth[i] = i % 2;
      pAd[i] = skill * (truth[i] == 1 ? 0.9 : 0.1) + (1 - skill) * random.nextDouble();
      csv.append(String.format(Locale.ROOT, "sub-%03d-s%d,%s,%s,%.6f,%.6f%n", i, seed, truth[i] == 1 ? "AD" : "CN", pAd[i] >= 0.5 ? "AD" : "CN",
          1 - pAd[i], pAd[i]));
    }
    write(r, csv.toString());
    var metrics = org.brainbench.tasks.metric.ClassificationMetrics.compute(truth, probabilities(pAd), 2);
    ObjectNode m = r.putObject("metrics");
    metrics.forEach(m::put);
    results.put(ResultRows.fromJson(r, "fixture"));
    return r;
  }

  /** A regression run whose MAE is exactly {@code mae}: every prediction is off by it. */
  ObjectNode regress(String task, String model, int seed, double mae) throws IOException {
    return regress(task, model, seed, mae, 1.0);
  }

  /** The same at a label fraction. */
  ObjectNode regress(String task, String model, int seed, double mae, double fraction) throws IOException {
    ObjectNode r = row("fixture", task, "regress", model, seed, fraction);
    StringBuilder csv = new StringBuilder("subject_id,truth,prediction\n");
    for (int i = 0; i < 10; i++) {
      csv.append(String.format(Locale.ROOT, "sub-%03d-s%d,%d,%f%n", i, seed, 50 + i, 50 + i + (i % 2 == 0 ? mae : -mae)));
    }
    write(r, csv.toString());
    r.putObject("metrics").put("mae", mae).put("r2", 0.5);
    results.put(ResultRows.fromJson(r, "fixture"));
    return r;
  }

  ObjectNode failed(String task, String type, String model, int seed, String error) throws IOException {
    ObjectNode r = row("fixture", task, type, model, seed, 1.0);
    r.put("status", "failed").put("error", error);
    r.remove("params");
    results.put(ResultRows.fromJson(r, "fixture"));
    return r;
  }

  void put(ObjectNode r) throws IOException {
    results.put(ResultRows.fromJson(r, "fixture"));
  }

  private void write(ObjectNode r, String csv) throws IOException {
    Path file = PredictionFiles.csv(folder, r.get("cell").asText());
    Files.createDirectories(file.getParent());
    Files.writeString(file, csv);
  }

  private static double[][] probabilities(double[] pAd) {
    double[][] p = new double[pAd.length][];
    for (int i = 0; i < p.length; i++) {
      p[i] = new double[] {1 - pAd[i], pAd[i]};
    }
    return p;
  }
}
