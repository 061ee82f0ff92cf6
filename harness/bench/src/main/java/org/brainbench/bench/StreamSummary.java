package org.brainbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code bin/bench stream} table: for every run folder under DIR, each cell's and stage's
 * training scans, time, data wait (the training loop's time waiting for its next batch, as a
 * share of training time) and peak RSS, with the run's wall time from GNU time's {@code
 * <run>.time} beside it. (GNU time's maximum RSS is not used: the harness resets the kernel's
 * high-water mark at every cell, so it reports only the last cell's.) Markdown on standard output.
 *
 * <p>Usage: {@code StreamSummary DIR}.
 */
public final class StreamSummary {
  /** Rows write NaN for metrics that have no value. */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)");

  private StreamSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: StreamSummary DIR (DIR: bin/bench stream's folder of runs)");
      System.exit(2);
    }
    System.out.print(table(Path.of(args[0])));
  }

  static String table(Path dir) throws IOException {
    List<Path> runs = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p.resolve("results.jsonl"))).sorted().forEach(runs::add);
    }
    StringBuilder md = new StringBuilder();
    md.append("| run | cell or stage | threads | training scans | train s | scans/s | data wait s | data wait % | peak RSS GB | run wall |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    String hardware = "";
    for (Path run : runs) {
      String time = Files.isRegularFile(dir.resolve(run.getFileName() + ".time")) ? Files.readString(dir.resolve(run.getFileName() + ".time")) : "";
      Matcher m = WALL.matcher(time);
      String wall = m.find() ? m.group(1) : "";
      for (String line : Files.readAllLines(run.resolve("results.jsonl"))) {
        JsonNode r = JSON.readTree(line);
        JsonNode t = r.path("timing");
        double train = t.path("trainSeconds").asDouble(Double.NaN);
        double wait = t.path("dataWaitSeconds").asDouble(Double.NaN);
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.2f | %.3f | %.2f | %.2f | %s |%n",
            run.getFileName(), r.path("cell").asText() + ("ok".equals(r.path("status").asText()) ? "" : " (" + r.path("status").asText() + ")"),
            r.path("provenance").path("threads").asInt(), r.path("split").path("train").asLong(), train, t.path("volumesPerSecond").asDouble(Double.NaN), wait, 100 * wait / train,
            r.path("memory").path("peakRssBytes").asLong() / 1e9, wall));
        JsonNode p = r.path("provenance");
        hardware = p.path("cpu").asText() + ", " + p.path("java").asText()
            + ", " + p.path("backendVersion").asText();
      }
    }
    md.append("\n").append(hardware.isEmpty() ? "" : "Machine: " + hardware + ".\n");
    return md.toString();
  }
}
