package org.brainbench.harness.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.cli.UserInputException;
import org.brainbench.harness.result.ResultsFile;

/** Reads results given on the command line: a {@code results.jsonl}, or a folder holding one. */
public final class Runs {
  private Runs() {}

  public static List<Run> read(List<Path> sources) throws IOException {
    List<Run> runs = new ArrayList<>();
    java.util.Map<String, Path> seen = new java.util.HashMap<>();
    for (Path source : sources) {
      Path file = Files.isDirectory(source) ? source.resolve(ResultsFile.NAME) : source;
      if (!Files.isRegularFile(file)) {
        throw new UserInputException(source + ": no " + ResultsFile.NAME + " there");
      }
      Path folder = file.toAbsolutePath().getParent();
      for (ObjectNode row : ResultsFile.read(file)) {
        if (!row.path("cell").isTextual() || !row.path("task").isTextual() || !row.path("model").isTextual()) {
          throw new UserInputException(file + ": a row without cell, task or model: " + abbreviate(row.toString()));
        }
        Path before = seen.put(row.path("suite").asText() + "/" + row.path("cell").asText(), file);
        if (before != null) {
          throw new UserInputException("cell " + row.path("cell").asText() + " of suite " + row.path("suite").asText() + " is in both " + before + " and " + file
              + "; give each result once (a merged folder or its shards, not both)");
        }
        runs.add(new Run(row, folder));
      }
    }
    return runs;
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }
}
