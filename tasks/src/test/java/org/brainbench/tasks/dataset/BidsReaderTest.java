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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetValidator.Expectations;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BidsReaderTest {
  @TempDir Path root;

  private final List<DatasetProblem> problems = new ArrayList<>();

  /**
   * sub-01: one T1w in anat/ (no sessions); sub-02: two sessions, ages from sessions.tsv; sub-03:
   * two runs in one session; sub-04: two acquisitions without sessions.
   */
  @BeforeEach
  void layout() throws IOException {
    text(root.resolve("participants.tsv"), List.of(
        "participant_id\tage\tsex\tdiagnosis",
        "sub-01\t70\tF\tAD",
        "sub-02\tn/a\tM\tCN",
        "sub-03\t65\tn/a\tCN",
        "sub-04\t80\tF\tAD"));
    image(root.resolve("sub-01/anat/sub-01_T1w.nii.gz"));
    text(root.resolve("sub-01/anat/sub-01_T1w.json"), "{}");
    image(root.resolve("sub-01/anat/sub-01_T2w.nii.gz"));
    image(root.resolve("sub-02/ses-01/anat/sub-02_ses-01_T1w.nii.gz"));
    image(root.resolve("sub-02/ses-02/anat/sub-02_ses-02_T1w.nii"));
    text(root.resolve("sub-02/sub-02_sessions.tsv"), List.of("session_id\tage", "ses-01\t60.5", "ses-02\t62"));
    image(root.resolve("sub-03/ses-01/anat/sub-03_ses-01_run-1_T1w.nii.gz"));
    image(root.resolve("sub-03/ses-01/anat/sub-03_ses-01_run-2_T1w.nii.gz"));
    image(root.resolve("sub-04/anat/sub-04_acq-mprage_T1w.nii.gz"));
    image(root.resolve("sub-04/anat/sub-04_acq-fast_T1w.nii.gz"));
    text(root.resolve("README"), "not a subject");
    text(root.resolve("dataset_description.json"), "{}");
  }

  private Dataset read(TaskType type, String labelColumn) throws IOException {
    return BidsReader.read(root, "bids", type, labelColumn, problems);
  }

  private static Map<String, Scan> byScanId(Dataset d) {
    return d.scans().stream().collect(Collectors.toMap(Scan::scanId, Function.identity()));
  }

  @Test
  void readsFlatAndSessionLayoutsWithSeveralRunsPerSession() throws IOException {
    Dataset d = read(TaskType.CLASSIFY, "diagnosis");

    assertThat(problems).isEmpty();
    assertThat(d.type()).isEqualTo(TaskType.CLASSIFY);
    assertThat(d.channels()).containsExactly("t1w");
    assertThat(d.scans()).extracting(Scan::scanId).containsExactly(
        "sub-01", "sub-02_ses-01", "sub-02_ses-02", "sub-03_ses-01_run-1", "sub-03_ses-01_run-2",
        "sub-04_acq-fast", "sub-04_acq-mprage");
    Map<String, Scan> scans = byScanId(d);
    assertThat(scans.get("sub-01").session()).isNull();
    assertThat(scans.get("sub-01").images()).containsExactly(root.resolve("sub-01/anat/sub-01_T1w.nii.gz").toAbsolutePath());
    assertThat(scans.get("sub-02_ses-02").images()).containsExactly(root.resolve("sub-02/ses-02/anat/sub-02_ses-02_T1w.nii").toAbsolutePath());
    assertThat(scans.get("sub-03_ses-01_run-2").session()).isEqualTo("ses-01_run-2");
    assertThat(d.scans()).allSatisfy(s -> {
      assertThat(s.images()).singleElement().satisfies(p -> assertThat(p).isAbsolute().exists());
      assertThat(s.origin()).isEqualTo(s.images().get(0).toString());
    });
    assertThat(d.bySubject()).containsOnlyKeys("sub-01", "sub-02", "sub-03", "sub-04");
  }

  @Test
  void takesLabelsFromTheChosenColumnAndKeepsTheRestAsCovariates() throws IOException {
    Dataset d = read(TaskType.CLASSIFY, "diagnosis");

    Map<String, Scan> scans = byScanId(d);
    assertThat(scans.get("sub-01").label()).isEqualTo("AD");
    assertThat(scans.get("sub-02_ses-01").label()).isEqualTo("CN");
    assertThat(scans.get("sub-03_ses-01_run-1").label()).isEqualTo("CN");
    assertThat(scans.get("sub-01").covariates()).containsEntry("sex", "F").doesNotContainKeys("diagnosis", "participant_id");
  }

  @Test
  void nAIsAMissingAgeAndSessionsTsvGivesTheAgeAtScan() throws IOException {
    Dataset d = read(TaskType.REGRESS, null);

    assertThat(problems).isEmpty();
    Map<String, Scan> scans = byScanId(d);
    assertThat(scans.get("sub-01").age()).isEqualTo(70.0);
    assertThat(scans.get("sub-02_ses-01").age()).isEqualTo(60.5);
    assertThat(scans.get("sub-02_ses-02").age()).isEqualTo(62.0);
    assertThat(scans.get("sub-03_ses-01_run-1").age()).isEqualTo(65.0);
    assertThat(scans.get("sub-03_ses-01_run-2").age()).isEqualTo(65.0);
    assertThat(scans.get("sub-01").label()).isNull();
  }

  @Test
  void sessionsTsvAgeOverridesTheParticipantsAgeForThatSessionOnly() throws IOException {
    text(root.resolve("participants.tsv"), List.of("participant_id\tage", "sub-01\t70", "sub-02\t50", "sub-03\t65", "sub-04\t80"));
    text(root.resolve("sub-02/sub-02_sessions.tsv"), List.of("session_id\tage", "ses-02\t52"));

    Dataset d = read(TaskType.REGRESS, null);

    assertThat(problems).isEmpty();
    Map<String, Scan> scans = byScanId(d);
    assertThat(scans.get("sub-02_ses-01").age()).isEqualTo(50.0);
    assertThat(scans.get("sub-02_ses-02").age()).isEqualTo(52.0);
  }

  @Test
  void aMissingAgeIsAProblemForRegressionNamingTheFile() throws IOException {
    text(root.resolve("sub-02/sub-02_sessions.tsv"), List.of("session_id\tage", "ses-01\t60", "ses-02\tn/a"));

    Dataset d = read(TaskType.REGRESS, null);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(root.resolve("sub-02/ses-02/anat/sub-02_ses-02_T1w.nii").toString());
      assertThat(p.message()).contains("no age").contains("sub-02").contains("ses-02");
    });
    assertThat(d.scans()).extracting(Scan::scanId).doesNotContain("sub-02_ses-02").contains("sub-02_ses-01");
  }

  @Test
  void aNonNumericAgeIsAProblem() throws IOException {
    text(root.resolve("participants.tsv"), List.of("participant_id\tage", "sub-01\told", "sub-02\t50", "sub-03\t65", "sub-04\t80"));

    read(TaskType.REGRESS, null);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).endsWith("sub-01_T1w.nii.gz");
      assertThat(p.message()).contains("\"old\"");
    });
  }

  @Test
  void aMissingLabelColumnIsOneProblemListingTheColumns() throws IOException {
    Dataset d = read(TaskType.CLASSIFY, "group");

    assertThat(d).isNull();
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(root.resolve("participants.tsv").toString());
      assertThat(p.message()).contains("\"group\"").contains("diagnosis").contains("age");
    });
  }

  @Test
  void aMissingLabelValueIsAProblemPerScan() throws IOException {
    text(root.resolve("participants.tsv"), List.of(
        "participant_id\tdiagnosis", "sub-01\tAD", "sub-02\tn/a", "sub-03\tCN", "sub-04\t"));

    Dataset d = read(TaskType.CLASSIFY, "diagnosis");

    assertThat(problems).extracting(DatasetProblem::where).containsExactlyInAnyOrder(
        root.resolve("sub-02/ses-01/anat/sub-02_ses-01_T1w.nii.gz").toString(),
        root.resolve("sub-02/ses-02/anat/sub-02_ses-02_T1w.nii").toString(),
        root.resolve("sub-04/anat/sub-04_acq-fast_T1w.nii.gz").toString(),
        root.resolve("sub-04/anat/sub-04_acq-mprage_T1w.nii.gz").toString());
    assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("no diagnosis"));
    assertThat(d.scans()).extracting(Scan::subjectId).containsOnly("sub-01", "sub-03");
  }

  @Test
  void aSubjectMissingFromParticipantsIsAProblemForLabelledTasks() throws IOException {
    image(root.resolve("sub-05/anat/sub-05_T1w.nii.gz"));

    Dataset d = read(TaskType.CLASSIFY, "diagnosis");

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(root.resolve("sub-05").toString());
      assertThat(p.message()).contains("sub-05").contains("participants.tsv");
    });
    assertThat(d.subjectIds()).doesNotContain("sub-05");
    problems.clear();
    assertThat(read(TaskType.PRETRAIN, null).subjectIds()).contains("sub-05");
    assertThat(problems).isEmpty();
  }

  @Test
  void pretrainingNeedsNoParticipantsFile() throws IOException {
    java.nio.file.Files.delete(root.resolve("participants.tsv"));

    Dataset d = read(TaskType.PRETRAIN, null);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).hasSize(7);
    problems.clear();
    assertThat(read(TaskType.REGRESS, null)).isNull();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.where()).endsWith("participants.tsv"));
  }

  @Test
  void aDuplicateParticipantIsReportedWithItsLine() throws IOException {
    text(root.resolve("participants.tsv"), List.of(
        "participant_id\tage", "sub-01\t70", "", "sub-02\t50", "sub-01\t71", "sub-03\t65", "sub-04\t80"));

    read(TaskType.REGRESS, null);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(root.resolve("participants.tsv") + ":5");
      assertThat(p.message()).contains("sub-01").contains("line 2");
    });
  }

  @Test
  void aParticipantsFileWithoutParticipantIdIsOneProblem() throws IOException {
    text(root.resolve("participants.tsv"), List.of("subject\tage", "sub-01\t70"));

    assertThat(read(TaskType.REGRESS, null)).isNull();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("participant_id"));
  }

  @Test
  void aByteOrderMarkInParticipantsTsvIsIgnored() throws IOException {
    text(root.resolve("participants.tsv"), "\uFEFFparticipant_id\tage\nsub-01\t70\nsub-02\t50\nsub-03\t65\nsub-04\t80\n");

    read(TaskType.REGRESS, null);

    assertThat(problems).isEmpty();
  }

  @Test
  void aFolderWithoutImagesIsAProblem(@TempDir Path empty) throws IOException {
    text(empty.resolve("participants.tsv"), List.of("participant_id\tage"));

    BidsReader.read(empty, "bids", TaskType.PRETRAIN, null, problems);

    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("_T1w.nii"));
  }

  @Test
  void loadsThroughDetectionAndValidation() throws IOException {
    Dataset d = DatasetLoader.load(DatasetSource.of("bids", root), TaskType.CLASSIFY, new Expectations(List.of("AD", "CN"), java.util.Set.of()));

    assertThat(d.scans()).hasSize(7);
    DatasetException e = catchThrowableOfType(DatasetException.class, () -> DatasetLoader.load(
        new DatasetSource("bids", root, DatasetFormat.BIDS, "diagnosis", null), TaskType.CLASSIFY, new Expectations(List.of("AD"), java.util.Set.of())));
    assertThat(e.problems()).extracting(DatasetProblem::where).containsExactlyInAnyOrder(
        root.resolve("sub-02/ses-01/anat/sub-02_ses-01_T1w.nii.gz").toAbsolutePath().toString(),
        root.resolve("sub-02/ses-02/anat/sub-02_ses-02_T1w.nii").toAbsolutePath().toString(),
        root.resolve("sub-03/ses-01/anat/sub-03_ses-01_run-1_T1w.nii.gz").toAbsolutePath().toString(),
        root.resolve("sub-03/ses-01/anat/sub-03_ses-01_run-2_T1w.nii.gz").toAbsolutePath().toString());
  }
}
