package org.brainbench.tasks.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a dataset is and how to read it.
 *
 * @param format null to detect it from the path
 * @param labelColumn BIDS: the participants.tsv column holding the class
 * @param modalities BraTS: the channels to read, in order
 * @param targets BIDS: a table of sessions and their targets ({@code participant_id}, {@code
 *     session_id}, {@code diagnosis}, {@code age}, as ClinicaDL writes), or null
 */
public record DatasetSource(String name, Path path, DatasetFormat format, String labelColumn, List<String> modalities, Path targets) {
  public static final String DEFAULT_LABEL_COLUMN = "diagnosis";

  public DatasetSource {
    if (labelColumn == null || labelColumn.isBlank()) {
      labelColumn = DEFAULT_LABEL_COLUMN;
    }
    modalities = modalities == null || modalities.isEmpty() ? BratsReader.DEFAULT_MODALITIES : List.copyOf(modalities);
  }

  public DatasetSource(String name, Path path, DatasetFormat format, String labelColumn, List<String> modalities) {
    this(name, path, format, labelColumn, modalities, null);
  }

  public static DatasetSource of(String name, Path path) {
    return new DatasetSource(name, path, null, null, null);
  }
}
