package org.brainbench.harness.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.harness.Json;
import org.brainbench.tasks.io.AtomicFiles;

/**
 * {@code results.jsonl}: one {@link ResultRow} per line, one per cell ({@link ResultRows} reads and
 * writes them; docs/results.md). Every change rewrites
 * the whole file to a temp file and renames it over the old one, so a crash at any moment leaves
 * either the previous complete file or the new one, never a half line. A row for a cell already
 * present replaces it.
 */
public final class ResultsFile {
  public static final String NAME = "results.jsonl";

  private final Path file;
  private final Map<String, ResultRow> rows = new LinkedHashMap<>();
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
      for (ResultRow row : rows(r.file, lines)) {
        r.rows.put(row.cell(), row);
      }
    }
    return r;
  }

  /** What {@link #open} had to repair, if anything. */
  public java.util.Optional<String> repaired() {
    return java.util.Optional.ofNullable(repaired);
  }

  private static JsonNode parse(String line) {
    try {
      return Json.mapper().readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads the rows of a results file. A line that is not a result row of this schema is an error
   * naming the file and line ({@link IOException}).
   */
  public static List<ResultRow> read(Path file) throws IOException {
    return rows(file, Files.readAllLines(file));
  }

  private static List<ResultRow> rows(Path file, List<String> lines) throws IOException {
    List<ResultRow> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      JsonNode n;
      try {
        n = Json.mapper().readTree(line);
      } catch (IOException e) {
        throw new IOException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage(), e);
      }
      try {
        out.add(ResultRows.fromJson(n, file + ":" + (i + 1)));
      } catch (ResultRows.BadRowException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return out;
  }

  public Path file() {
    return file;
  }

  public synchronized void put(ResultRow row) throws IOException {
    rows.put(row.cell(), row);
    writeAll();
  }

  /** Adds a row in memory (replacing one of the same cell); {@link #writeAll} writes them. */
  public synchronized void add(ResultRow row) {
    rows.put(row.cell(), row);
  }

  /** Writes all rows (creating the folder), replacing the file atomically. */
  public synchronized void writeAll() throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    StringBuilder b = new StringBuilder();
    for (ResultRow r : rows.values()) {
      b.append(ResultRows.line(r)).append('\n');
    }
    AtomicFiles.writeString(file, b.toString());
  }

  public synchronized List<ResultRow> rows() {
    return new ArrayList<>(rows.values());
  }
}
