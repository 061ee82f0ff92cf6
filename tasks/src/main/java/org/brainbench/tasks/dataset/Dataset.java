package org.brainbench.tasks.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.TaskType;

/**
 * The scans of one task read from disk, with the names of their channels.
 *
 * @param source the manifest file or dataset folder it came from
 * @param channels the name of each image channel (e.g. {@code t1}, {@code flair})
 * @param labelConvention what the segmentation labels mean, when the layout says (BraTS, MSD), else null
 */
public record Dataset(String name, TaskType type, Path source, List<String> channels, List<Scan> scans, LabelConvention labelConvention) {
  public Dataset {
    channels = List.copyOf(channels);
    scans = List.copyOf(scans);
  }

  /** A dataset whose layout does not name a label convention. */
  public Dataset(String name, TaskType type, Path source, List<String> channels, List<Scan> scans) {
    this(name, type, source, channels, scans, null);
  }

  /** Scans grouped by subject, in first-seen order. */
  public Map<String, List<Scan>> bySubject() {
    Map<String, List<Scan>> out = new LinkedHashMap<>();
    for (Scan s : scans) {
      out.computeIfAbsent(s.subjectId(), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  public List<String> subjectIds() {
    return new ArrayList<>(bySubject().keySet());
  }
}
