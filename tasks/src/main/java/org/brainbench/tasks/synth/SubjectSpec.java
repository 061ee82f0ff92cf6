package org.brainbench.tasks.synth;

import java.util.List;

/**
 * Everything that makes one simulated scan what it is. Two scans of one subject (sessions) share
 * {@code anatomySeed} (head shape, deformation) and differ in age, disease stage and {@code
 * noiseSeed}.
 *
 * @param diagnosis "CN" or "AD" for the classification cohort, else null
 * @param severity Alzheimer-like atrophy on top of ageing: 0 healthy, about 0.5-1.3 disease
 * @param reserve individual deviation of brain ageing (atrophy index units, sd about 0.12)
 */
public record SubjectSpec(
    String subjectId,
    String session,
    double age,
    String sex,
    SiteProfile site,
    String diagnosis,
    double severity,
    double reserve,
    List<Tumour> tumours,
    long anatomySeed,
    long noiseSeed) {
  public SubjectSpec {
    tumours = List.copyOf(tumours);
  }

  /** Ageing as an atrophy index: 0 at 20 years, about 1 at 90, accelerating with age. */
  public double ageingIndex() {
    double t = Math.max(0, (age - 20) / 70.0);
    return Math.pow(t, 1.4) + reserve;
  }
}
