package org.brainbench.harness.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.result.ResultRow;
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
      List<ResultRow> rows;
      try {
        rows = ResultsFile.read(file);
      } catch (IOException e) {
        throw new UserInputException(e.getMessage(), e);
      }
      for (ResultRow row : rows) {
        Path before = seen.put(row.suite() + "/" + row.cell(), file);
        if (before != null) {
          throw new UserInputException("cell " + row.cell() + " of suite " + row.suite() + " is in both " + before + " and " + file
              + "; give each result once (a merged folder or its shards, not both)");
        }
        runs.add(new Run(row, folder));
      }
    }
    return runs;
  }
}
