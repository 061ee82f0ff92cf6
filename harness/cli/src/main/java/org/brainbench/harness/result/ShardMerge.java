package org.brainbench.harness.result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.harness.UserInputException;

/**
 * Joins the results folders of {@code run --shard} into one: rows, predictions, checkpoints and
 * pre-training stages. Shards must come from the same suite (name and, where recorded, the hash
 * of the suite file) and may not share a cell. The rows file is written last, atomically, so an
 * interrupted merge leaves no results that look complete.
 *
 * <p>A shard's suite file is the one its last run wrote beside its rows ({@code suite.yaml}). Its
 * rows may carry the hash of an earlier version of that file: {@code run --resume} keeps a cell
 * whose configuration and data did not change when the suite file did (a comment, another model).
 * Without the copy, all of a shard's rows must agree.
 */
public final class ShardMerge {
  private static final List<String> TREES = List.of("predictions", "checkpoints", "stages");
  private static final String SUITE_COPY = org.brainbench.harness.run.SuiteRunner.SUITE_COPY;

  private ShardMerge() {}

  /** @return the number of rows merged */
  public static int merge(List<Path> shards, Path out) throws IOException {
    Map<String, ResultRow> rows = new LinkedHashMap<>();
    Map<String, Path> origin = new LinkedHashMap<>();
    String suite = null;
    Path suiteFrom = null;
    String suiteHash = null;
    Path hashFrom = null;
    Path target = out.toAbsolutePath().normalize();
    if (Files.exists(target.resolve(ResultsFile.NAME))) {
      throw new UserInputException(out + ": already holds " + ResultsFile.NAME + "; merge into a new folder");
    }
    List<Path> folders = new ArrayList<>();
    for (Path shard : shards) {
      Path folder = Files.isDirectory(shard) ? shard : shard.getParent() == null ? Path.of(".") : shard.getParent();
      Path file = folder.resolve(ResultsFile.NAME);
      if (!Files.isRegularFile(file)) {
        throw new UserInputException(shard + ": no " + ResultsFile.NAME + " there");
      }
      if (folder.toAbsolutePath().normalize().equals(target)) {
        throw new UserInputException(out + ": is one of the shards; merge into a new folder");
      }
      folders.add(folder);
      List<ResultRow> shardRows = ResultsFile.read(file);
      for (ResultRow row : shardRows) {
        String cell = row.cell();
        String name = row.suite();
        if (suite == null) {
          suite = name;
          suiteFrom = file;
        } else if (!suite.equals(name)) {
          throw new UserInputException(file + ": suite \"" + name + "\", but " + suiteFrom + " is suite \"" + suite + "\"");
        }
        Path seen = origin.put(cell, file);
        if (seen != null) {
          throw new UserInputException("cell " + cell + " is in both " + seen + " and " + file);
        }
        rows.put(cell, row);
      }
      String hash = suiteHash(folder, file, shardRows);
      if (hash != null) {
        if (suiteHash == null) {
          suiteHash = hash;
          hashFrom = file;
        } else if (!suiteHash.equals(hash)) {
          throw new UserInputException(file + ": ran from a different suite file than " + hashFrom + " (suiteHash differs)");
        }
      }
    }
    Files.createDirectories(target);
    for (Path folder : folders) {
      for (String tree : TREES) {
        copyTree(folder.resolve(tree), target.resolve(tree));
      }
      // every shard ran the same suite (checked above): keep one copy of it, for predict and embed
      if (Files.isRegularFile(folder.resolve(SUITE_COPY)) && !Files.exists(target.resolve(SUITE_COPY))) {
        Files.copy(folder.resolve(SUITE_COPY), target.resolve(SUITE_COPY));
      }
    }
    ResultsFile merged = ResultsFile.open(target);
    for (ResultRow row : rows.values()) {
      merged.add(row);
    }
    merged.writeAll();
    return rows.size();
  }

  /** The hash of the suite file a shard last ran: its suite.yaml copy, else what its rows agree on; null if unknown. */
  private static String suiteHash(Path folder, Path file, List<ResultRow> rows) throws IOException {
    if (Files.isRegularFile(folder.resolve(SUITE_COPY))) {
      return org.brainbench.harness.run.Hashes.sha256(Files.readAllBytes(folder.resolve(SUITE_COPY)));
    }
    String hash = null;
    for (ResultRow row : rows) {
      String h = row.provenance() == null ? null : row.provenance().suiteHash();
      if (h == null) {
        continue;
      }
      if (hash == null) {
        hash = h;
      } else if (!hash.equals(h)) {
        throw new UserInputException(file + ": rows from different suite files (suiteHash differs) and no " + SUITE_COPY + " beside them to say which ran last");
      }
    }
    return hash;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path dest = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
