package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.brainbench.tasks.TaskType;

/**
 * Reads a BIDS-style folder: {@code participants.tsv} (column {@code participant_id}, optional
 * {@code age}, {@code sex} and a label column) and T1-weighted images at {@code
 * sub-*&#47;anat/*_T1w.nii[.gz]} or {@code sub-*&#47;ses-*&#47;anat/*_T1w.nii[.gz]}.
 *
 * <p>Each T1w file is one scan; its session is the {@code ses-} folder, extended by the file's other
 * entities ({@code acq-}, {@code run-}) when a session holds several. An {@code age} column in
 * {@code sub-*_sessions.tsv} overrides the participant's age for that session (age at scan). BIDS's
 * {@code n/a} counts as missing.
 */
public final class BidsReader {
  public static final String PARTICIPANTS = "participants.tsv";

  private BidsReader() {}

  /**
   * @param labelColumn the participants.tsv column holding the class (classification), e.g. {@code
   *     diagnosis}; ignored for other task types
   */
  public static Dataset read(Path root, String name, TaskType type, String labelColumn, List<DatasetProblem> problems) throws IOException {
    if (!Files.isDirectory(root)) {
      problems.add(new DatasetProblem(root.toString(), "BIDS folder not found"));
      return null;
    }
    Path participantsFile = root.resolve(PARTICIPANTS);
    Map<String, Map<String, String>> participants = new LinkedHashMap<>();
    if (Files.isRegularFile(participantsFile)) {
      participants = readTable(participantsFile, "participant_id", problems);
      if (participants == null) {
        return null;
      }
    } else if (type == TaskType.CLASSIFY || type == TaskType.REGRESS) {
      problems.add(new DatasetProblem(participantsFile.toString(), "not found; a " + type.id() + " task reads its targets from it"));
      return null;
    }
    if (type == TaskType.CLASSIFY && !participants.isEmpty()
        && !participants.values().iterator().next().containsKey(labelColumn)) {
      problems.add(new DatasetProblem(participantsFile.toString(), "no column \"" + labelColumn
          + "\" for the class label; columns are " + participants.values().iterator().next().keySet()));
      return null;
    }
    List<Scan> scans = new ArrayList<>();
    List<Path> subjectDirs;
    try (Stream<Path> s = Files.list(root)) {
      subjectDirs = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("sub-")).sorted().toList();
    }
    for (Path subjectDir : subjectDirs) {
      String subject = subjectDir.getFileName().toString();
      Map<String, Map<String, String>> sessions = Map.of();
      Path sessionsFile = subjectDir.resolve(subject + "_sessions.tsv");
      if (Files.isRegularFile(sessionsFile)) {
        sessions = readTable(sessionsFile, "session_id", problems);
        if (sessions == null) {
          sessions = Map.of();
        }
      }
      Map<String, String> info = participants.get(subject);
      if (info == null && (type == TaskType.CLASSIFY || type == TaskType.REGRESS)) {
        problems.add(new DatasetProblem(subjectDir.toString(), "subject " + subject + " is not listed in " + PARTICIPANTS));
        continue;
      }
      for (Path anat : anatFolders(subjectDir)) {
        List<Path> t1s;
        try (Stream<Path> s = Files.list(anat)) {
          t1s = s.filter(BidsReader::isT1w).sorted().toList();
        }
        String sessionFolder = anat.getParent().equals(subjectDir) ? null : anat.getParent().getFileName().toString();
        for (Path t1 : t1s) {
          String session = sessionFolder;
          if (t1s.size() > 1) {
            String entities = entities(t1.getFileName().toString(), subject, sessionFolder);
            session = session == null ? entities : session + "_" + entities;
          }
          Scan scan = scan(subject, session, sessionFolder, t1, info, sessions, type, labelColumn, problems);
          if (scan != null) {
            scans.add(scan);
          }
        }
      }
    }
    if (scans.isEmpty()) {
      problems.add(new DatasetProblem(root.toString(), "no sub-*/[ses-*/]anat/*_T1w.nii[.gz] images found"));
    }
    return new Dataset(name, type, root, List.of("t1w"), scans);
  }

  private static Scan scan(String subject, String session, String sessionFolder, Path t1, Map<String, String> info,
      Map<String, Map<String, String>> sessions, TaskType type, String labelColumn, List<DatasetProblem> problems) {
    Map<String, String> covariates = new LinkedHashMap<>(info == null ? Map.of() : info);
    if (sessionFolder != null && sessions.containsKey(sessionFolder)) {
      covariates.putAll(sessions.get(sessionFolder));
    }
    String where = t1.toString();
    Double age = null;
    String rawAge = value(covariates.get("age"));
    if (rawAge != null) {
      try {
        age = Double.parseDouble(rawAge);
      } catch (NumberFormatException e) {
        problems.add(new DatasetProblem(where, "age \"" + rawAge + "\" is not a number"));
        return null;
      }
    } else if (type == TaskType.REGRESS) {
      problems.add(new DatasetProblem(where, "no age for " + subject + (sessionFolder == null ? "" : " " + sessionFolder)));
      return null;
    }
    String label = null;
    if (type == TaskType.CLASSIFY) {
      label = value(covariates.get(labelColumn));
      if (label == null) {
        problems.add(new DatasetProblem(where, "no " + labelColumn + " for " + subject + " in " + PARTICIPANTS));
        return null;
      }
    }
    covariates.remove(labelColumn);
    return new Scan(subject, session, List.of(t1.toAbsolutePath().normalize()), null, label, age, covariates, where);
  }

  private static List<Path> anatFolders(Path subjectDir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(subjectDir.resolve("anat"))) {
      out.add(subjectDir.resolve("anat"));
    }
    try (Stream<Path> s = Files.list(subjectDir)) {
      s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("ses-"))
          .sorted()
          .map(p -> p.resolve("anat"))
          .filter(Files::isDirectory)
          .forEach(out::add);
    }
    return out;
  }

  private static boolean isT1w(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith("_T1w.nii") || n.endsWith("_T1w.nii.gz"));
  }

  /** The entities of a BIDS file name other than sub- and ses-: {@code acq-mprage_run-2}. */
  private static String entities(String fileName, String subject, String session) {
    String stem = fileName.substring(0, fileName.indexOf("_T1w"));
    List<String> parts = new ArrayList<>();
    for (String part : stem.split("_")) {
      if (!part.equals(subject) && !part.equals(session)) {
        parts.add(part);
      }
    }
    return parts.isEmpty() ? stem : String.join("_", parts);
  }

  private static String value(String raw) {
    return raw == null || raw.isBlank() || raw.equals("n/a") ? null : raw.trim();
  }

  /** Rows of a TSV keyed by one column; null (with a problem) if unreadable. */
  private static Map<String, Map<String, String>> readTable(Path file, String keyColumn, List<DatasetProblem> problems) throws IOException {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    CSVFormat format = CSVFormat.TDF.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).get();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    CsvLines lines = new CsvLines(text);
    try (Reader r = new StringReader(text); CSVParser parser = CSVParser.parse(r, format)) {
      if (!parser.getHeaderNames().contains(keyColumn)) {
        problems.add(new DatasetProblem(file.toString(), "no " + keyColumn + " column; columns are " + parser.getHeaderNames()));
        return null;
      }
      Map<String, Long> firstLine = new HashMap<>();
      for (CSVRecord row : parser) {
        String key = row.get(keyColumn);
        long line = lines.lineOf(row.getCharacterPosition());
        if (firstLine.containsKey(key)) {
          problems.add(new DatasetProblem(file + ":" + line, "duplicate " + keyColumn + " " + key + " (first at line " + firstLine.get(key) + ")"));
          continue;
        }
        firstLine.put(key, line);
        Map<String, String> values = new LinkedHashMap<>(row.toMap());
        values.remove(keyColumn);
        rows.put(key, values);
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      problems.add(new DatasetProblem(file.toString(), "not a readable TSV file: " + e.getMessage()));
      return null;
    }
    return rows;
  }
}
