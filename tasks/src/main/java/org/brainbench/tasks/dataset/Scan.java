package org.brainbench.tasks.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One image of one subject, as a row of a manifest (or a session of a BIDS subject, or a BraTS
 * case): the unit a model sees. Several scans may share a subject; splits keep them together.
 *
 * @param subjectId the subject; every split partition is decided per subject
 * @param session the session, or null when a subject has one scan
 * @param images one file per channel (modality), absolute
 * @param mask the label map for segmentation, absolute, else null
 * @param label the class name for classification, else null
 * @param age the age in years (the regression target, or a covariate), else null
 * @param covariates every other column of the manifest, by column name
 * @param origin where the scan was declared, for error messages ({@code manifest.csv:12})
 */
public record Scan(
    String subjectId,
    String session,
    List<Path> images,
    Path mask,
    String label,
    Double age,
    Map<String, String> covariates,
    String origin) {
  public Scan {
    if (subjectId == null || subjectId.isBlank()) {
      throw new IllegalArgumentException("subject id is empty");
    }
    images = List.copyOf(images);
    covariates = Map.copyOf(covariates);
    if (session != null && session.isBlank()) {
      session = null;
    }
  }

  /** A key unique within a dataset: the subject id, plus the session when there is one. */
  public String scanId() {
    return session == null ? subjectId : subjectId + "_" + session;
  }
}
