package org.brainbench.harness.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.cli.Json;
import org.brainbench.tasks.io.AtomicFiles;

/**
 * {@code results.jsonl}: one JSON object per line, one per cell (DESIGN.md). Every change rewrites
 * the whole file to a temp file and renames it over the old one, so a crash at any moment leaves
 * either the previous complete file or the new one, never a half line. A row for a cell already
 * present replaces it.
 */
public final class ResultsFile {
  public static final String NAME = "results.jsonl";

  private final Path file;
  private final Map<String, ObjectNode> rows = new LinkedHashMap<>();

  private ResultsFile(Path file) {
    this.file = file;
  }

  /** Opens the results of a folder, reading the rows already there. */
  public static ResultsFile open(Path folder) throws IOException {
    ResultsFile r = new ResultsFile(folder.resolve(NAME));
    if (Files.isRegularFile(r.file)) {
      for (ObjectNode row : read(r.file)) {
        r.rows.put(row.path("cell").asText(), row);
      }
    }
    return r;
  }

  /** Reads rows of a results file; a line that is not a JSON object is an error naming it. */
  public static List<ObjectNode> read(Path file) throws IOException {
    ObjectMapper json = Json.mapper();
    List<ObjectNode> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage(), e);
      }
      if (!(n instanceof ObjectNode o)) {
        throw new IOException(file + ":" + (i + 1) + ": not a JSON object");
      }
      out.add(o);
    }
    return out;
  }

  public Path file() {
    return file;
  }

  public synchronized void put(ObjectNode row) throws IOException {
    rows.put(row.path("cell").asText(), row);
    StringBuilder b = new StringBuilder();
    for (ObjectNode r : rows.values()) {
      b.append(Json.line(Json.mapper(), r)).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }

  public synchronized List<ObjectNode> rows() {
    return new ArrayList<>(rows.values());
  }
}
