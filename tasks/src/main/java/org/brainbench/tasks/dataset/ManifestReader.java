package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.brainbench.tasks.TaskType;

/**
 * Reads a manifest (docs/data-formats.md): CSV, or TSV when the name ends in {@code .tsv} or the header line
 * holds tabs; a header row; paths relative to the manifest's folder; {@code image} may list several
 * {@code ;}-separated files (channels). Required columns per task type: {@code subject_id, image}
 * plus {@code label} (classify), {@code age} (regress) or {@code mask} (segment). {@code session}
 * is optional; every other column is kept as a covariate.
 *
 * <p>Problems in rows are collected, not thrown one by one; files are checked by {@link
 * DatasetValidator}.
 */
public final class ManifestReader {
  public static final String SUBJECT = "subject_id";
  public static final String SESSION = "session";
  public static final String IMAGE = "image";
  public static final String LABEL = "label";
  public static final String AGE = "age";
  public static final String MASK = "mask";

  private static final Set<String> RESERVED = Set.of(SUBJECT, SESSION, IMAGE, LABEL, MASK);

  private ManifestReader() {}

  /** The columns a manifest of this type must have. */
  public static List<String> requiredColumns(TaskType type) {
    return switch (type) {
      case CLASSIFY -> List.of(SUBJECT, IMAGE, LABEL);
      case REGRESS -> List.of(SUBJECT, IMAGE, AGE);
      case SEGMENT -> List.of(SUBJECT, IMAGE, MASK);
      case PRETRAIN -> List.of(SUBJECT, IMAGE);
    };
  }

  /**
   * Reads the manifest; row problems are added to {@code problems} and the row is skipped.
   *
   * @return the dataset, or null when the file as a whole cannot be used (a problem says why)
   */
  public static Dataset read(Path manifest, String name, TaskType type, List<DatasetProblem> problems) throws IOException {
    String where = manifest.toString();
    if (!Files.isRegularFile(manifest)) {
      problems.add(new DatasetProblem(where, Files.exists(manifest) ? "not a file" : "manifest not found"));
      return null;
    }
    String text = Files.readString(manifest, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String firstLine = text.lines().findFirst().orElse("");
    boolean tsv = manifest.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") || firstLine.contains("\t");
    CSVFormat format = (tsv ? CSVFormat.TDF : CSVFormat.DEFAULT).builder()
        .setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true)
        .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).get();
    CsvLines lines = new CsvLines(text);
    Path folder = manifest.toAbsolutePath().getParent();
    List<Scan> scans = new ArrayList<>();
    int channelCount = -1;
    List<String> channelNames = List.of();
    try (Reader reader = new java.io.StringReader(text); CSVParser parser = CSVParser.parse(reader, format)) {
      List<String> header = parser.getHeaderNames();
      List<String> missing = new ArrayList<>();
      for (String col : requiredColumns(type)) {
        if (!header.contains(col)) {
          missing.add(col);
        }
      }
      if (!missing.isEmpty()) {
        problems.add(new DatasetProblem(where, "missing column(s) " + missing + "; a " + type.id()
            + " manifest needs " + requiredColumns(type) + ", found " + header));
        return null;
      }
      for (CSVRecord row : parser) {
        String at = where + ":" + lines.lineOf(row.getCharacterPosition());
        if (!row.isConsistent()) {
          problems.add(new DatasetProblem(at, "has " + row.size() + " fields, the header has " + header.size()));
          continue;
        }
        Scan scan = scan(row, header, type, folder, at, problems);
        if (scan == null) {
          continue;
        }
        if (channelCount < 0) {
          channelCount = scan.images().size();
          channelNames = ChannelNames.fromFiles(scan.images());
        } else if (scan.images().size() != channelCount) {
          problems.add(new DatasetProblem(at, "has " + scan.images().size() + " image file(s), earlier rows have " + channelCount));
          continue;
        }
        scans.add(scan);
      }
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
      problems.add(new DatasetProblem(where, "not a readable " + (tsv ? "TSV" : "CSV") + " file: " + e.getMessage()));
      return null;
    }
    if (scans.isEmpty() && problems.isEmpty()) {
      problems.add(new DatasetProblem(where, "has no rows"));
    }
    return new Dataset(name, type, manifest, channelNames, scans);
  }

  private static Scan scan(CSVRecord row, List<String> header, TaskType type, Path folder, String at, List<DatasetProblem> problems) {
    int before = problems.size();
    String subject = row.get(SUBJECT);
    if (subject.isEmpty()) {
      problems.add(new DatasetProblem(at, "subject_id is empty"));
    } else if (subject.chars().anyMatch(c -> c == '\t' || c == '\n' || c == '\r')) {
      problems.add(new DatasetProblem(at, "subject_id must not hold tabs or line breaks"));
    }
    String session = header.contains(SESSION) ? row.get(SESSION) : null;
    List<Path> images = new ArrayList<>();
    String imageField = row.get(IMAGE);
    if (imageField.isEmpty()) {
      problems.add(new DatasetProblem(at, "image is empty"));
    }
    for (String part : imageField.split(";")) {
      if (!part.isBlank()) {
        images.add(folder.resolve(part.trim()).normalize());
      }
    }
    String label = null;
    if (header.contains(LABEL)) {
      label = row.get(LABEL);
      if (type == TaskType.CLASSIFY && label.isEmpty()) {
        problems.add(new DatasetProblem(at, "label is empty"));
      }
    }
    Double age = null;
    if (header.contains(AGE)) {
      String raw = row.get(AGE);
      if (raw.isEmpty()) {
        if (type == TaskType.REGRESS) {
          problems.add(new DatasetProblem(at, "age is empty"));
        }
      } else {
        age = parseAge(raw);
        if (age == null) {
          problems.add(new DatasetProblem(at, "age \"" + raw + "\" is not a finite number"));
        }
      }
    }
    Path mask = null;
    if (header.contains(MASK)) {
      String raw = row.get(MASK);
      if (raw.isEmpty()) {
        if (type == TaskType.SEGMENT) {
          problems.add(new DatasetProblem(at, "mask is empty"));
        }
      } else {
        mask = folder.resolve(raw).normalize();
      }
    }
    Map<String, String> covariates = new LinkedHashMap<>();
    for (String col : header) {
      if (!RESERVED.contains(col)) {
        covariates.put(col, row.get(col));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new Scan(subject, session, images, mask, type == TaskType.CLASSIFY ? label : null, age, covariates, at);
  }

  private static Double parseAge(String raw) {
    try {
      double v = Double.parseDouble(raw);
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
