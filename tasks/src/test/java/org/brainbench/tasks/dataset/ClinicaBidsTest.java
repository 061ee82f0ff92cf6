package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.brainbench.tasks.dataset.DatasetFixtures.image;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.split.Partition;
import org.brainbench.tasks.split.Split;
import org.brainbench.tasks.split.SplitFile.SplitFileException;
import org.brainbench.tasks.split.SubjectLists;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BIDS as Clinica converts ADNI, AIBL and OASIS: several sessions per subject, the diagnosis and
 * age per session in {@code sub-*_sessions.tsv}; ClinicaDL's label and split tables.
 */
class ClinicaBidsTest {
  @TempDir Path root;

  private final List<DatasetProblem> problems = new ArrayList<>();

  @BeforeEach
  void layout() throws IOException {
    text(root.resolve("participants.tsv"), List.of("participant_id\tsex", "sub-ADNI001\tF", "sub-ADNI002\tM", "sub-ADNI003\tF"));
    for (String s : List.of("sub-ADNI001/ses-M000", "sub-ADNI001/ses-M012", "sub-ADNI001/ses-M024", "sub-ADNI002/ses-M000", "sub-ADNI003/ses-M000",
        "sub-ADNI003/ses-M006")) {
      String[] p = s.split("/");
      image(root.resolve(s + "/anat/" + p[0] + "_" + p[1] + "_T1w.nii.gz"));
    }
    // sub-ADNI001 converts: CN, then MCI, then AD
    text(root.resolve("sub-ADNI001/sub-ADNI001_sessions.tsv"), List.of("session_id\tdiagnosis\tage", "ses-M000\tCN\t71.2", "ses-M012\tMCI\t72.2",
        "ses-M024\tAD\t73.3"));
    text(root.resolve("sub-ADNI002/sub-ADNI002_sessions.tsv"), List.of("session_id\tdiagnosis\tage", "ses-M000\tAD\t80.0"));
    text(root.resolve("sub-ADNI003/sub-ADNI003_sessions.tsv"), List.of("session_id\tdiagnosis\tage", "ses-M000\tCN\t65.5", "ses-M006\tCN\t66.0"));
  }

  @Test
  void theDiagnosisAndAgeArePerSession() throws IOException {
    Dataset d = BidsReader.read(root, "adni", TaskType.CLASSIFY, "diagnosis", problems);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::scanId, Scan::label, Scan::age).containsExactly(
        org.assertj.core.groups.Tuple.tuple("sub-ADNI001_ses-M000", "CN", 71.2),
        org.assertj.core.groups.Tuple.tuple("sub-ADNI001_ses-M012", "MCI", 72.2),
        org.assertj.core.groups.Tuple.tuple("sub-ADNI001_ses-M024", "AD", 73.3),
        org.assertj.core.groups.Tuple.tuple("sub-ADNI002_ses-M000", "AD", 80.0),
        org.assertj.core.groups.Tuple.tuple("sub-ADNI003_ses-M000", "CN", 65.5),
        org.assertj.core.groups.Tuple.tuple("sub-ADNI003_ses-M006", "CN", 66.0));
    assertThat(d.bySubject().get("sub-ADNI001")).hasSize(3);
  }

  @Test
  void aClinicaDlLabelTableSelectsSessionsAndGivesTheirTargets() throws IOException {
    Path labels = text(root.resolve("labels.tsv"), List.of("participant_id\tsession_id\tdiagnosis\tage\tsex",
        "sub-ADNI001\tses-M000\tsMCI\t71.2\tF", "sub-ADNI002\tses-M000\tAD\t80.0\tM", "sub-ADNI003\tses-M006\tCN\t66.0\tF"));

    Dataset d = BidsReader.read(root, "adni", TaskType.CLASSIFY, "diagnosis", labels, problems);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::scanId).containsExactly("sub-ADNI001_ses-M000", "sub-ADNI002_ses-M000", "sub-ADNI003_ses-M006");
    assertThat(d.scans().get(0).label()).isEqualTo("sMCI"); // the table's diagnosis wins over sessions.tsv's CN
  }

  @Test
  void aLabelTableSessionWithoutAnImageIsAProblemNamingIt() throws IOException {
    Path labels = text(root.resolve("labels.tsv"), List.of("participant_id\tsession_id\tdiagnosis\tage", "sub-ADNI002\tses-M048\tAD\t84"));
    BidsReader.read(root, "adni", TaskType.CLASSIFY, "diagnosis", labels, problems);
    assertThat(problems).extracting(DatasetProblem::toString)
        .contains(labels + ": no T1w image for sub-ADNI002 ses-M048 (" + root.resolve("sub-ADNI002/ses-M048/anat") + ")");
  }

  @Test
  void clinicaDlSplitTablesAreASubjectLevelSplit() throws IOException {
    Path train = text(root.resolve("split/train.tsv"), List.of("participant_id\tsession_id\tdiagnosis", "sub-ADNI001\tses-M000\tCN",
        "sub-ADNI001\tses-M012\tMCI", "sub-ADNI003\tses-M000\tCN"));
    Path test = text(root.resolve("split/test.tsv"), List.of("participant_id\tsession_id\tdiagnosis", "sub-ADNI002\tses-M000\tAD"));
    Dataset d = BidsReader.read(root, "adni", TaskType.CLASSIFY, "diagnosis", problems);

    Split split = SubjectLists.read(Map.of(Partition.TRAIN, train, Partition.TEST, test), d.subjectIds());

    assertThat(split.partitionOf("sub-ADNI001")).isEqualTo(Partition.TRAIN);
    assertThat(split.partitionOf("sub-ADNI002")).isEqualTo(Partition.TEST);
    assertThat(split.partitionOf("sub-ADNI003")).isEqualTo(Partition.TRAIN);
    // every session follows its subject, ses-M024 too, which train.tsv does not list
    assertThat(d.scans().stream().filter(s -> split.partitionOf(s.subjectId()) == Partition.TRAIN)).hasSize(5);

    Path leaky = text(root.resolve("split/validation.tsv"), List.of("participant_id\tsession_id", "sub-ADNI001\tses-M024"));
    SplitFileException e = catchThrowableOfType(SplitFileException.class,
        () -> SubjectLists.read(Map.of(Partition.TRAIN, train, Partition.VALIDATION, leaky), d.subjectIds()));
    assertThat(e).hasMessageContaining("sub-ADNI001").hasMessageContaining("a subject belongs to one partition");
    Path stranger = text(root.resolve("split/other.tsv"), List.of("participant_id", "sub-OASIS9"));
    assertThat(catchThrowableOfType(SplitFileException.class, () -> SubjectLists.read(Map.of(Partition.TEST, stranger), d.subjectIds())))
        .hasMessage(stranger + ": 1 subject(s) not in the dataset: sub-OASIS9");
  }
}
