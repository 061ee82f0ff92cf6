package org.brainbench.tasks.dataset;

/**
 * One thing wrong with a dataset.
 *
 * @param where the file, and the row or path inside it ({@code manifest.csv:7}, {@code
 *     sub-01/anat/sub-01_T1w.nii.gz})
 */
public record DatasetProblem(String where, String message) {
  @Override
  public String toString() {
    return where + ": " + message;
  }
}
