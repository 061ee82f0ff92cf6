package org.brainbench.tasks.split;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.brainbench.tasks.split.SplitFile.SplitFileException;

/**
 * A fixed split given as one table of subjects per partition, such as ClinicaDL's split TSVs
 * ({@code split/train.tsv}, {@code split/5_fold/split-0/validation.tsv}): tab-separated with a
 * {@code participant_id} (or {@code subject_id}) column; other columns ({@code session_id},
 * {@code diagnosis}, ...) are ignored, since every session of a subject follows its subject. A
 * subject in two tables is refused (it would leak); subjects the dataset has that no table lists
 * are unused.
 */
public final class SubjectLists {
  private SubjectLists() {}

  /**
   * @param files the table of each partition ({@code train}, {@code validation}, {@code test})
   * @param subjects the dataset's subjects; every listed subject must be among them
   */
  public static Split read(Map<Partition, Path> files, Collection<String> subjects) throws IOException {
    Map<String, Partition> assignment = new TreeMap<>();
    Map<String, Path> listedIn = new TreeMap<>();
    Set<String> known = new HashSet<>(subjects);
    for (Map.Entry<Partition, Path> e : new java.util.EnumMap<>(files).entrySet()) {
      Path file = e.getValue();
      List<String> missing = new ArrayList<>();
      for (String subject : subjects(file)) {
        Path before = listedIn.putIfAbsent(subject, file);
        if (before != null && !before.equals(file)) {
          throw new SplitFileException(file + ": subject " + subject + " is also in " + before + " (" + assignment.get(subject).id()
              + "): a subject belongs to one partition");
        }
        if (!known.contains(subject)) {
          missing.add(subject);
        }
        assignment.put(subject, e.getKey());
      }
      if (!missing.isEmpty()) {
        throw new SplitFileException(file + ": " + missing.size() + " subject(s) not in the dataset: "
            + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : ""));
      }
    }
    for (String s : subjects) {
      assignment.putIfAbsent(s, Partition.UNUSED);
    }
    return Split.of(assignment);
  }

  /** The subject ids of one table, in order, each once (a subject's several sessions are several rows). */
  static List<String> subjects(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SplitFileException(file + ": subject list not found");
    }
    CSVFormat tsv = CSVFormat.TDF.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).get();
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, tsv)) {
      List<String> header = p.getHeaderNames();
      String column = header.contains("participant_id") ? "participant_id" : header.contains("subject_id") ? "subject_id" : null;
      if (column == null) {
        throw new SplitFileException(file + ": no participant_id or subject_id column; columns are " + header);
      }
      for (CSVRecord row : p) {
        String id = row.get(column);
        if (!id.isBlank() && seen.add(id)) {
          out.add(id);
        }
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      throw new SplitFileException(file + ": not a readable TSV file: " + e.getMessage());
    }
    return out;
  }
}
