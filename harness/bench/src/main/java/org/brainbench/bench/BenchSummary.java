package org.brainbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a benchmark folder into {@code SUMMARY.md}: the JMH results ({@code steps.json},
 * {@code scaling.json}, {@code matmul.json}, {@code nifti.json}) beside the Python references'
 * ({@code torch-steps.json}, {@code torch-matmul.json}, {@code nibabel.json}), as tables with the
 * ratios the performance targets are stated in. Missing files leave their tables out. Also prints
 * the training-step table, the per-model ratios, to standard output. Results folders given after
 * DIR add the harness's own overhead per cell: how long the training loop waited for data, and the
 * cell's peak memory.
 *
 * <p>Usage: {@code BenchSummary DIR [RESULTS_DIR...]}.
 */
public final class BenchSummary {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final StringBuilder md = new StringBuilder();

  private final List<Path> resultFolders;

  private BenchSummary(Path dir, List<Path> resultFolders) {
    this.dir = dir;
    this.resultFolders = resultFolders;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: BenchSummary DIR [RESULTS_DIR...] (DIR: a folder with steps.json and the other benchmark outputs)");
      System.exit(2);
    }
    List<Path> results = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      results.add(Path.of(args[i]));
    }
    BenchSummary s = new BenchSummary(Path.of(args[0]), results);
    String stepTable = s.build();
    Path out = s.dir.resolve("SUMMARY.md");
    Path tmp = s.dir.resolve("SUMMARY.md.tmp");
    Files.writeString(tmp, s.md.toString());
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.print(stepTable);
    System.out.println("wrote " + out);
  }

  /** One JMH result: the benchmark method, its parameters, the score (ms/op) and secondary metrics. */
  record Jmh(String method, Map<String, String> params, double ms, double msError, Map<String, Double> secondary) {
    String param(String name) {
      return params.getOrDefault(name, "");
    }

    double metric(String name) {
      return secondary.getOrDefault(name, Double.NaN);
    }
  }

  static List<Jmh> readJmh(Path file) throws IOException {
    List<Jmh> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (JsonNode n : JSON.readTree(file.toFile())) {
      String benchmark = n.path("benchmark").asText();
      Map<String, String> params = new LinkedHashMap<>();
      n.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      Map<String, Double> secondary = new LinkedHashMap<>();
      n.path("secondaryMetrics").fields().forEachRemaining(e -> secondary.put(e.getKey(), e.getValue().path("score").asDouble()));
      JsonNode primary = n.path("primaryMetric");
      double scale = switch (primary.path("scoreUnit").asText()) {
        case "s/op" -> 1000;
        case "us/op" -> 0.001;
        default -> 1;
      };
      out.add(new Jmh(benchmark.substring(benchmark.lastIndexOf('.') + 1), params,
          typical(n) * scale, primary.path("scoreError").asDouble() * scale, secondary));
    }
    return out;
  }

  /** A run's typical time per op: the median where every op was timed (sample mode), else the mean. */
  static double typical(JsonNode run) {
    JsonNode median = run.at("/primaryMetric/scorePercentiles/50.0");
    return "sample".equals(run.path("mode").asText()) && median.isNumber() ? median.asDouble() : run.at("/primaryMetric/score").asDouble();
  }

  private JsonNode readJson(String name) throws IOException {
    Path file = dir.resolve(name);
    return Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.createArrayNode();
  }

  private String build() throws IOException {
    md.append("# brainbench performance\n\n");
    md.append("Made by `bin/bench` (docs/performance.md) from the JMH and reference outputs in this folder. ")
        .append("Speed ratios are PyTorch-Python's time per step divided by brainbench's: above 1 is faster than PyTorch.\n\n");
    double[] peak = matmul();
    String stepTable = steps(peak);
    scaling();
    nifti();
    dataWait();
    return stepTable;
  }

  /** Returns {DJL GFLOP/s, ND4J GFLOP/s, torch GFLOP/s}. */
  private double[] matmul() throws IOException {
    double[] gflops = {Double.NaN, Double.NaN, Double.NaN};
    List<Jmh> rows = readJmh(dir.resolve("matmul.json"));
    JsonNode torch = readJson("torch-matmul.json");
    if (rows.isEmpty() && torch.isEmpty()) {
      return gflops;
    }
    md.append("## The machine's limit: float32 matrix multiply\n\n| library | n | threads | GFLOP/s |\n|---|---:|---:|---:|\n");
    for (Jmh r : rows) {
      int n = Integer.parseInt(r.param("n"));
      double g = 2.0 * n * n * n / (r.ms() / 1000) / 1e9;
      gflops[r.method().equals("djl") ? 0 : 1] = g;
      md.append(String.format(Locale.ROOT, "| %s | %d | all | %.1f |%n", r.method().equals("djl") ? "PyTorch (DJL)" : "ND4J (DL4J)", n, g));
    }
    for (JsonNode t : torch.isArray() ? torch : JSON.createArrayNode().add(torch)) {
      gflops[2] = t.path("gflopsBest").asDouble(t.path("gflops").asDouble(Double.NaN));
      md.append(String.format(Locale.ROOT, "| PyTorch %s (Python) | %d | %d | %.1f |%n", t.path("torch").asText(), t.path("n").asInt(),
          t.path("threads").asInt(), gflops[2]));
    }
    md.append('\n');
    return gflops;
  }

  private String steps(double[] peak) throws IOException {
    List<Jmh> rows = readJmh(dir.resolve("steps.json"));
    if (rows.isEmpty()) {
      return "";
    }
    Map<String, JsonNode> torch = new LinkedHashMap<>();
    for (JsonNode t : readJson("torch-steps.json")) {
      torch.put(t.path("case").asText() + "@" + t.path("size").asInt(), t);
    }
    StringBuilder table = new StringBuilder();
    table.append("## Training step (ms per step, batch ").append(rows.get(0).param("batch")).append(")\n\n");
    table.append("| model/task | size | threads | DJL | DL4J | PyTorch-Python | DJL ÷ PyTorch speed | DL4J ÷ PyTorch speed | DJL vol/s | DJL % of peak | peak RSS DJL / DL4J (MB) | RSS growth DJL / DL4J (MB) |\n");
    table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String key : keys(rows, "trainStep")) {
      Jmh djl = find(rows, "trainStep", "djl", key);
      Jmh dl4j = find(rows, "trainStep", "dl4j", key);
      String[] parts = key.split("@");
      JsonNode t = torch.get(key);
      double torchMs = t == null ? Double.NaN : t.path("msPerStepMedian").asDouble();
      int batch = Integer.parseInt(rows.get(0).param("batch"));
      double flops = t == null ? Double.NaN : t.path("trainFlops").asDouble() * batch / Math.max(1, t.path("batch").asInt(batch));
      double djlMs = djl == null ? Double.NaN : djl.ms();
      double dl4jMs = dl4j == null ? Double.NaN : dl4j.ms();
      table.append(String.format(Locale.ROOT, "| %s | %s³ | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |%n",
          parts[0], parts[1], fmt(djl == null ? Double.NaN : djl.metric("threads"), 0), fmt(djlMs, 1), fmt(dl4jMs, 1), fmt(torchMs, 1),
          fmt(torchMs / djlMs, 2), fmt(torchMs / dl4jMs, 2), fmt(batch / (djlMs / 1000), 1),
          fmt(100 * flops / (djlMs / 1000) / (peak[0] * 1e9 * threadShare(djl)), 1),
          fmt(djl == null ? Double.NaN : djl.metric("rss.peak"), 0), fmt(dl4j == null ? Double.NaN : dl4j.metric("rss.peak"), 0),
          fmt(djl == null ? Double.NaN : djl.metric("rss.growth"), 0), fmt(dl4j == null ? Double.NaN : dl4j.metric("rss.growth"), 0)));
    }
    table.append("\nms per step: the median step on every side (JMH sample mode; rows measured in JMH's average-time mode, "
        + "such as older ones kept by a partial re-run, give the mean). ");
    table.append("% of peak: the reference's training FLOPs per step (3 x the forward pass's, counted by hooks) ")
        .append("per second, over the DJL matrix-multiply rate above scaled to the threads the model uses. Threads: the backend's rule ")
        .append("(all cores for the CNNs, one for models with attention), the same in the reference.\n\n");
    md.append(table);

    md.append("## Inference (ms per batch)\n\n| model/task | size | DJL | DL4J | DJL vol/s | DL4J vol/s |\n|---|---:|---:|---:|---:|---:|\n");
    for (String key : keys(rows, "inference")) {
      Jmh djl = find(rows, "inference", "djl", key);
      Jmh dl4j = find(rows, "inference", "dl4j", key);
      int batch = Integer.parseInt(rows.get(0).param("batch"));
      double a = djl == null ? Double.NaN : djl.ms();
      double b = dl4j == null ? Double.NaN : dl4j.ms();
      String[] parts = key.split("@");
      md.append(String.format(Locale.ROOT, "| %s | %s³ | %s | %s | %s | %s |%n", parts[0], parts[1], fmt(a, 1), fmt(b, 1),
          fmt(batch / (a / 1000), 1), fmt(batch / (b / 1000), 1)));
    }
    md.append('\n');
    return table.toString();
  }

  private void scaling() throws IOException {
    List<Jmh> rows = readJmh(dir.resolve("scaling.json"));
    if (rows.isEmpty()) {
      return;
    }
    TreeSet<Integer> sizes = new TreeSet<>();
    rows.forEach(r -> sizes.add(Integer.parseInt(r.param("size"))));
    md.append("## Scaling: ms per training step by volume size (DJL, batch ").append(rows.get(0).param("batch")).append(")\n\n| model/task |");
    sizes.forEach(s -> md.append(' ').append(s).append("³ |"));
    md.append(" growth ").append(sizes.first()).append("³→").append(sizes.last()).append("³ |\n|---|");
    sizes.forEach(s -> md.append("---:|"));
    md.append("---:|\n");
    for (String model : new TreeSet<>(rows.stream().map(r -> r.param("model")).toList())) {
      md.append("| ").append(model).append(" |");
      double first = Double.NaN;
      double last = Double.NaN;
      for (int s : sizes) {
        Jmh r = rows.stream().filter(x -> x.param("model").equals(model) && x.param("size").equals(String.valueOf(s))).findFirst().orElse(null);
        double ms = r == null ? Double.NaN : r.ms();
        first = Double.isNaN(first) ? ms : first;
        last = ms;
        md.append(' ').append(fmt(ms, 1)).append(" |");
      }
      md.append(' ').append(fmt(last / first, 1)).append("x |\n");
    }
    md.append(String.format(Locale.ROOT, "%nVoxels grow %.0fx from %d³ to %d³.%n%n", Math.pow((double) sizes.last() / sizes.first(), 3), sizes.first(), sizes.last()));
  }

  private void nifti() throws IOException {
    List<Jmh> rows = readJmh(dir.resolve("nifti.json"));
    if (rows.isEmpty()) {
      return;
    }
    Map<String, JsonNode> nib = new LinkedHashMap<>();
    for (JsonNode n : readJson("nibabel.json")) {
      nib.put(n.path("file").asText(), n);
    }
    double megabytes = 181.0 * 217 * 181 * 4 / 1e6;
    md.append("## NIfTI: 1 mm Colin27 (181x217x181), one thread\n\n");
    md.append("| file | brainbench decode (ms) | nibabel decode (ms) | decode speed ratio | brainbench decode+preprocess (ms) | nibabel+scipy (ms) | speed ratio | brainbench MB/s |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String file : NiftiFiles.VARIANTS) {
      Jmh d = rows.stream().filter(r -> r.method().equals("decode") && r.param("file").equals(file)).findFirst().orElse(null);
      Jmh p = rows.stream().filter(r -> r.method().equals("decodeAndPreprocess") && r.param("file").equals(file)).findFirst().orElse(null);
      JsonNode n = nib.get(file);
      double dm = d == null ? Double.NaN : d.ms();
      double pm = p == null ? Double.NaN : p.ms();
      double nd = n == null ? Double.NaN : n.path("decodeMs").asDouble();
      double np = n == null ? Double.NaN : n.path("preprocessMs").asDouble();
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", file, fmt(dm, 1), fmt(nd, 1), fmt(nd / dm, 2),
          fmt(pm, 1), fmt(np, 1), fmt(np / pm, 2), fmt(megabytes / (dm / 1000), 0)));
    }
    md.append("\nPreprocess: reorient, trilinear resample to 96x112x96, clip to the 0.5-99.5 percentiles, z-score ")
        .append("(nibabel.as_closest_canonical + scipy.ndimage.zoom order 1 + numpy on the Python side).\n\n");
  }

  /** The share of the all-core matrix-multiply rate a model's threads can reach. */
  private static double threadShare(Jmh row) {
    double threads = row == null ? Double.NaN : row.metric("threads");
    return Double.isNaN(threads) ? 1 : Math.min(1, threads / Runtime.getRuntime().availableProcessors());
  }

  /** Per cell of each results folder: seconds training, seconds waiting for data, their ratio, peak RSS. */
  private void dataWait() throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path folder : resultFolders) {
      Path file = folder.resolve("results.jsonl");
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = JSON.readTree(line);
        JsonNode timing = row.path("timing");
        double train = timing.path("trainSeconds").asDouble(Double.NaN);
        double wait = timing.path("dataWaitSeconds").asDouble(Double.NaN);
        double peak = row.path("memory").path("peakRssBytes").asDouble(Double.NaN) / 1048576;
        lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", folder.getFileName(), row.path("cell").asText(),
            fmt(train, 1), fmt(wait, 3), fmt(100 * wait / train, 2), fmt(peak, 0)));
      }
    }
    if (lines.isEmpty()) {
      return;
    }
    md.append("## The harness's own overhead: waiting for data, per cell\n\n");
    md.append("| results | cell | training (s) | waiting for data (s) | waiting (% of training) | peak RSS (MB) |\n");
    md.append("|---|---|---:|---:|---:|---:|\n");
    lines.forEach(md::append);
    md.append('\n');
  }

  private static List<String> keys(List<Jmh> rows, String method) {
    List<String> out = new ArrayList<>();
    for (Jmh r : rows) {
      String key = r.param("model") + "@" + r.param("size");
      if (r.method().equals(method) && !out.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }

  private static Jmh find(List<Jmh> rows, String method, String backend, String key) {
    for (Jmh r : rows) {
      if (r.method().equals(method) && r.param("backend").equals(backend) && (r.param("model") + "@" + r.param("size")).equals(key)) {
        return r;
      }
    }
    return null;
  }

  private static String fmt(double v, int decimals) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
