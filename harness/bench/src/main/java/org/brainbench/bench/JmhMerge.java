package org.brainbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds a fresh JMH result file into an existing one: a fresh row replaces the row of the same
 * benchmark and parameters, every other row is kept. So re-running part of a benchmark (one
 * backend, one model, after a fix) updates those rows of the published file without the hour the
 * whole run takes. {@code bin/bench} calls it after each JMH run. With {@code --best} the faster
 * of two namesakes is kept instead: {@code bin/bench compare} runs its cases in rounds and keeps
 * each case's best round, since on a shared machine interference only ever adds time.
 *
 * <pre>JmhMerge [--best] EXISTING.json FRESH.json   (EXISTING is rewritten through a temp file)</pre>
 */
public final class JmhMerge {
  private JmhMerge() {}

  public static void main(String[] args) throws IOException {
    boolean best = args.length == 3 && args[0].equals("--best");
    if (args.length != (best ? 3 : 2)) {
      System.err.println("usage: JmhMerge [--best] EXISTING.json FRESH.json");
      System.exit(2);
    }
    Path existing = Path.of(args[best ? 1 : 0]);
    ObjectMapper json = new ObjectMapper();
    JsonNode fresh = read(json, Path.of(args[best ? 2 : 1]));
    JsonNode merged = Files.exists(existing) ? merge(read(json, existing), fresh, best, json) : fresh;
    Path tmp = existing.resolveSibling(existing.getFileName() + ".merge.tmp");
    json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), merged);
    Files.move(tmp, existing, StandardCopyOption.REPLACE_EXISTING);
  }

  private static JsonNode read(ObjectMapper json, Path file) throws IOException {
    JsonNode rows = json.readTree(file.toFile());
    if (rows == null || !rows.isArray()) {
      System.err.println(file + ": not a JMH result file (a JSON array of runs)");
      System.exit(2);
    }
    return rows;
  }

  /**
   * The existing rows in their order with fresh ones in place of their namesakes (or, if {@code
   * best}, wherever the fresh one is faster), then the new ones.
   */
  static ArrayNode merge(JsonNode existing, JsonNode fresh, boolean best, ObjectMapper json) {
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    existing.forEach(r -> rows.put(key(r), r));
    fresh.forEach(r -> rows.merge(key(r), r, (old, now) -> !best || score(now) < score(old) ? now : old));
    ArrayNode out = json.createArrayNode();
    rows.values().forEach(out::add);
    return out;
  }

  private static double score(JsonNode row) {
    return row.has("primaryMetric") ? BenchSummary.typical(row) : Double.MAX_VALUE;
  }

  /** A run's identity: the benchmark method and its parameters (JMH writes them in a fixed order). */
  static String key(JsonNode row) {
    return row.path("benchmark").asText() + " " + row.path("params");
  }
}
