package org.brainbench.tasks.split;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.brainbench.tasks.io.AtomicFiles;

/**
 * Split files: TSV with header {@code subject_id<TAB>partition}, one line per subject, {@code #}
 * comment lines allowed (so subject ids cannot start with {@code #}). Reading fails on a subject listed twice (in particular in two partitions,
 * which would leak), an unknown partition, or a malformed line.
 */
public final class SplitFile {
  private SplitFile() {}

  /**
   * Writes atomically (temp file, then rename). Subject ids must not be blank, start with {@code #},
   * hold tabs or line breaks, or have surrounding spaces: they would not read back.
   */
  public static void write(Path file, Split split) throws IOException {
    for (String subject : split.assignment().keySet()) {
      if (subject.isBlank() || subject.startsWith("#") || subject.chars().anyMatch(c -> c == '\t' || c == '\n' || c == '\r') || !subject.equals(subject.strip())) {
        throw new IllegalArgumentException("subject id \"" + subject + "\" cannot be written to a split file (blank, leading #, tab, line break or surrounding spaces)");
      }
    }
    AtomicFiles.writeString(file, split.toTsv());
  }

  public static Split read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SplitFileException(file + ": split file not found");
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, Partition> assignment = new TreeMap<>();
    Map<String, Integer> lineOf = new HashMap<>();
    boolean header = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int lineNo = i + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (!header) {
        if (f.length != 2 || !f[0].equals("subject_id") || !f[1].equals("partition")) {
          throw new SplitFileException(file + ":" + lineNo + ": header must be \"subject_id<TAB>partition\", got \"" + line + "\"");
        }
        header = true;
        continue;
      }
      if (f.length != 2 || f[0].isBlank()) {
        throw new SplitFileException(file + ":" + lineNo + ": expected \"subject_id<TAB>partition\", got \"" + line + "\"");
      }
      Partition p = Partition.fromId(f[1].strip());
      if (p == null) {
        throw new SplitFileException(file + ":" + lineNo + ": unknown partition \"" + f[1] + "\" (train, validation, test, unused)");
      }
      String subject = f[0].strip();
      Partition before = assignment.putIfAbsent(subject, p);
      if (before != null) {
        String what = before == p ? "listed twice" : "in both " + before.id() + " and " + p.id();
        throw new SplitFileException(file + ":" + lineNo + ": subject " + subject + " is " + what + " (first at line " + lineOf.get(subject) + ")");
      }
      lineOf.put(subject, lineNo);
    }
    if (!header) {
      throw new SplitFileException(file + ": empty split file (no header)");
    }
    return Split.of(assignment);
  }

  /** A split file that cannot be used; the message names the file and line. */
  public static final class SplitFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public SplitFileException(String message) {
      super(message);
    }
  }
}
