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
 * {@code sub-*_sessions.tsv} overrides the participant's age for that session (age at scan), and so
 * does any other column, the label column included (a diagnosis per session, as Clinica writes it).
 * A targets table ({@code participant_id}, {@code session_id} and target columns, ClinicaDL's
 * {@code getlabels} output) selects the sessions to read and gives their targets last. BIDS's
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
    return read(root, name, type, labelColumn, null, problems);
  }

  /** @param targets a table of the sessions to read and their targets, or null for every session */
  public static Dataset read(Path root, String name, TaskType type, String labelColumn, Path targets, List<DatasetProblem> problems)
      throws IOException {
    if (!Files.isDirectory(root)) {
      problems.add(new DatasetProblem(root.toString(), "BIDS folder not found"));
      return null;
    }
    Path participantsFile = root.resolve(PARTICIPANTS);
    Map<String, Map<String, String>> participants = new LinkedHashMap<>();
    if (Files.isRegularFile(participantsFile)) {
      participants = readTable(participantsFile, List.of("participant_id"), problems);
      if (participants == null) {
        return null;
      }
    } else if (type == TaskType.CLASSIFY || type == TaskType.REGRESS) {
      problems.add(new DatasetProblem(participantsFile.toString(), "not found; a " + type.id() + " task reads its targets from it"));
      return null;
    }
    Map<String, Map<String, String>> targetRows = null;
    if (targets != null) {
      targetRows = readTable(targets, List.of("participant_id", "session_id"), problems);
      if (targetRows == null) {
        return null;
      }
    }
    if (type == TaskType.CLASSIFY && targets == null && !participants.isEmpty()
        && !participants.values().iterator().next().containsKey(labelColumn) && !sessionTablesHave(root, labelColumn)) {
      problems.add(new DatasetProblem(participantsFile.toString(), "no column \"" + labelColumn
          + "\" for the class label; columns are " + participants.values().iterator().next().keySet()));
      return null;
    }
    List<Scan> scans = new ArrayList<>();
    java.util.Set<String> found = new java.util.HashSet<>();
    List<Path> subjectDirs;
    try (Stream<Path> s = Files.list(root)) {
      subjectDirs = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("sub-")).sorted().toList();
    }
    for (Path subjectDir : subjectDirs) {
      String subject = subjectDir.getFileName().toString();
      Map<String, Map<String, String>> sessions = Map.of();
      Path sessionsFile = subjectDir.resolve(subject + "_sessions.tsv");
      if (Files.isRegularFile(sessionsFile)) {
        sessions = readTable(sessionsFile, List.of("session_id"), problems);
        if (sessions == null) {
          sessions = Map.of();
        }
      }
      Map<String, String> info = participants.get(subject);
      if (info == null && targetRows != null) {
        info = Map.of(); // the targets table holds what the task needs
      }
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
          Map<String, String> target = null;
          if (targetRows != null) {
            target = targetRows.get(subject + "\t" + sessionFolder);
            if (target == null) {
              continue; // the targets table does not select this session
            }
            found.add(subject + "\t" + sessionFolder);
          }
          Scan scan = scan(subject, session, sessionFolder, t1, info, sessions, target, type, labelColumn, problems);
          if (scan != null) {
            scans.add(scan);
          }
        }
      }
    }
    if (targetRows != null) {
      for (String key : targetRows.keySet()) {
        if (!found.contains(key)) {
          String[] k = key.split("\t");
          problems.add(new DatasetProblem(targets.toString(), "no T1w image for " + k[0] + " " + k[1] + " (" + root.resolve(k[0]).resolve(k[1])
              .resolve("anat") + ")"));
        }
      }
    }
    if (scans.isEmpty()) {
      problems.add(new DatasetProblem(root.toString(), "no sub-*/[ses-*/]anat/*_T1w.nii[.gz] images found"));
    }
    return new Dataset(name, type, root, List.of("t1w"), scans);
  }

  private static Scan scan(String subject, String session, String sessionFolder, Path t1, Map<String, String> info,
      Map<String, Map<String, String>> sessions, Map<String, String> target, TaskType type, String labelColumn, List<DatasetProblem> problems) {
    Map<String, String> covariates = new LinkedHashMap<>(info == null ? Map.of() : info);
    if (sessionFolder != null && sessions.containsKey(sessionFolder)) {
      covariates.putAll(sessions.get(sessionFolder));
    }
    if (target != null) {
      covariates.putAll(target);
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
        problems.add(new DatasetProblem(where, "no " + labelColumn + " for " + subject + (sessionFolder == null ? "" : " " + sessionFolder) + " in "
            + PARTICIPANTS + ", " + subject + "_sessions.tsv or the targets table"));
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

  /** Whether some subject's {@code sub-*_sessions.tsv} has this column (then the class may be per session). */
  private static boolean sessionTablesHave(Path root, String column) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      for (Path dir : s.filter(p -> p.getFileName().toString().startsWith("sub-")).toList()) {
        Path table = dir.resolve(dir.getFileName() + "_sessions.tsv");
        if (Files.isRegularFile(table)) {
          try (Stream<String> lines = Files.lines(table, StandardCharsets.UTF_8)) {
            String header = lines.findFirst().orElse("").replace("\uFEFF", "");
            if (List.of(header.split("\t")).stream().map(String::trim).anyMatch(column::equals)) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** Rows of a TSV keyed by its key columns (joined by a tab); null (with a problem) if unreadable. */
  private static Map<String, Map<String, String>> readTable(Path file, List<String> keyColumns, List<DatasetProblem> problems) throws IOException {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    CSVFormat format = CSVFormat.TDF.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).get();
    if (!Files.isRegularFile(file)) {
      problems.add(new DatasetProblem(file.toString(), "not found"));
      return null;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    CsvLines lines = new CsvLines(text);
    try (Reader r = new StringReader(text); CSVParser parser = CSVParser.parse(r, format)) {
      if (!parser.getHeaderNames().containsAll(keyColumns)) {
        problems.add(new DatasetProblem(file.toString(), "no " + String.join(" and ", keyColumns) + " column; columns are " + parser.getHeaderNames()));
        return null;
      }
      Map<String, Long> firstLine = new HashMap<>();
      for (CSVRecord row : parser) {
        String key = String.join("\t", keyColumns.stream().map(row::get).toList());
        long line = lines.lineOf(row.getCharacterPosition());
        if (firstLine.containsKey(key)) {
          problems.add(new DatasetProblem(file + ":" + line, "duplicate " + String.join("+", keyColumns) + " " + key.replace('\t', ' ')
              + " (first at line " + firstLine.get(key) + ")"));
          continue;
        }
        firstLine.put(key, line);
        Map<String, String> values = new LinkedHashMap<>(row.toMap());
        keyColumns.forEach(values::remove);
        rows.put(key, values);
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      problems.add(new DatasetProblem(file.toString(), "not a readable TSV file: " + e.getMessage()));
      return null;
    }
    return rows;
  }
}
