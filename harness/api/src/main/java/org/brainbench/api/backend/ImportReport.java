package org.brainbench.api.backend;

import java.util.List;

/**
 * What a partial weight import did: the tensors loaded, the model's parameters left as they were
 * (missing from the file), and the file's tensors the model has no place for.
 */
public record ImportReport(List<String> loaded, List<String> missing, List<String> unexpected) {
  public ImportReport {
    loaded = List.copyOf(loaded);
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
  }
}
