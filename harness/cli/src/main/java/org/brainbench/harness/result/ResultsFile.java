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
  private String repaired;

  private ResultsFile(Path file) {
    this.file = file;
  }

  /**
   * Opens the results of a folder, reading the rows already there. A torn last line (a file
   * written by something that appends without renaming, killed mid-line) is dropped and
   * reported by {@link #repaired()}; the file is rewritten whole on the next {@link #put}.
   */
  public static ResultsFile open(Path folder) throws IOException {
    ResultsFile r = new ResultsFile(folder.resolve(NAME));
    if (Files.isRegularFile(r.file)) {
      String text = Files.readString(r.file);
      List<String> lines = new ArrayList<>(text.lines().toList());
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
        lines.remove(lines.size() - 1);
      }
      // torn: the last line does not parse and has no newline after it (brainbench itself writes
      // whole files; an appending writer killed mid-line leaves this); anything else is an error
      if (!lines.isEmpty() && !text.endsWith("\n") && parse(lines.get(lines.size() - 1)) == null) {
        r.repaired = r.file + ":" + lines.size() + ": torn last line dropped (the cell it held runs again)";
        lines.remove(lines.size() - 1);
      }
      for (ObjectNode row : rows(r.file, lines)) {
        r.rows.put(row.path("cell").asText(), row);
      }
    }
    return r;
  }

  /** What {@link #open} had to repair, if anything. */
  public java.util.Optional<String> repaired() {
    return java.util.Optional.ofNullable(repaired);
  }

  private static ObjectNode parse(String line) {
    try {
      return Json.mapper().readTree(line) instanceof ObjectNode o ? o : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads rows of a results file; a line that is not a JSON object is an error naming it. */
  public static List<ObjectNode> read(Path file) throws IOException {
    return rows(file, Files.readAllLines(file));
  }

  private static List<ObjectNode> rows(Path file, List<String> lines) throws IOException {
    ObjectMapper json = Json.mapper();
    List<ObjectNode> out = new ArrayList<>();
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
    writeAll();
  }

  /** Adds a row in memory (replacing one of the same cell); {@link #writeAll} writes them. */
  public synchronized void add(ObjectNode row) {
    rows.put(row.path("cell").asText(), row);
  }

  /** Writes all rows (creating the folder), replacing the file atomically. */
  public synchronized void writeAll() throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
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
