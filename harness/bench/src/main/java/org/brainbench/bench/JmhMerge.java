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
 * whole run takes. {@code bin/bench} calls it after each JMH run.
 *
 * <pre>JmhMerge EXISTING.json FRESH.json   (EXISTING is rewritten through a temp file)</pre>
 */
public final class JmhMerge {
  private JmhMerge() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: JmhMerge EXISTING.json FRESH.json");
      System.exit(2);
    }
    Path existing = Path.of(args[0]);
    ObjectMapper json = new ObjectMapper();
    JsonNode fresh = read(json, Path.of(args[1]));
    JsonNode merged = Files.exists(existing) ? merge(read(json, existing), fresh, json) : fresh;
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

  /** The existing rows in their order with fresh ones in place of their namesakes, then the new ones. */
  static ArrayNode merge(JsonNode existing, JsonNode fresh, ObjectMapper json) {
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    existing.forEach(r -> rows.put(key(r), r));
    fresh.forEach(r -> rows.put(key(r), r));
    ArrayNode out = json.createArrayNode();
    rows.values().forEach(out::add);
    return out;
  }

  /** A run's identity: the benchmark method and its parameters (JMH writes them in a fixed order). */
  static String key(JsonNode row) {
    return row.path("benchmark").asText() + " " + row.path("params");
  }
}
