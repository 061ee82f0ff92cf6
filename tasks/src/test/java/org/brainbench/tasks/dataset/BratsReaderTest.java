package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.brainbench.tasks.dataset.DatasetFixtures.image;
import static org.brainbench.tasks.dataset.DatasetFixtures.labels;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetValidator.Expectations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BratsReaderTest {
  @TempDir Path root;

  private final List<DatasetProblem> problems = new ArrayList<>();

  private void writeCase(String id, String ext, List<String> modalities, boolean seg) throws IOException {
    for (String m : modalities) {
      image(root.resolve(id).resolve(id + "_" + m + ext));
    }
    if (seg) {
      labels(root.resolve(id).resolve(id + "_seg" + ext), 0, 1, 2, 4);
    }
  }

  @Test
  void readsCaseFoldersWithEveryModalityInOrder() throws IOException {
    writeCase("BraTS_002", ".nii.gz", BratsReader.DEFAULT_MODALITIES, true);
    writeCase("BraTS_001", ".nii", BratsReader.DEFAULT_MODALITIES, true);
    Files.createDirectories(root.resolve(".hidden"));
    text(root.resolve("survival.csv"), "id,days\n");

    Dataset d = BratsReader.read(root, "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems);

    assertThat(problems).isEmpty();
    assertThat(d.channels()).containsExactly("t1", "t1ce", "t2", "flair");
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("BraTS_001", "BraTS_002");
    Scan first = d.scans().get(0);
    assertThat(first.images()).containsExactly(
        root.resolve("BraTS_001/BraTS_001_t1.nii").toAbsolutePath(),
        root.resolve("BraTS_001/BraTS_001_t1ce.nii").toAbsolutePath(),
        root.resolve("BraTS_001/BraTS_001_t2.nii").toAbsolutePath(),
        root.resolve("BraTS_001/BraTS_001_flair.nii").toAbsolutePath());
    assertThat(first.mask()).isEqualTo(root.resolve("BraTS_001/BraTS_001_seg.nii").toAbsolutePath());
    assertThat(first.session()).isNull();
    assertThat(first.label()).isNull();
    assertThat(first.origin()).isEqualTo(root.resolve("BraTS_001").toString());
  }

  private void writeCase2023(String id, List<String> modalities, boolean seg) throws IOException {
    for (String m : modalities) {
      image(root.resolve(id).resolve(id + "-" + m + ".nii.gz"));
    }
    if (seg) {
      labels(root.resolve(id).resolve(id + "-seg.nii.gz"), 0, 1, 2, 3);
    }
  }

  @Test
  void readsTheBrats2023NamingAndSaysWhichConventionItIs() throws IOException {
    writeCase2023("BraTS-GLI-00001-000", List.of("t1n", "t1c", "t2w", "t2f"), true);
    writeCase2023("BraTS-MEN-00002-001", List.of("t1n", "t1c", "t2w", "t2f"), true);

    // the suite's default modalities are 2021's names: they find 2023's files
    Dataset d = BratsReader.read(root, "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems);

    assertThat(problems).isEmpty();
    assertThat(d.labelConvention()).isEqualTo(LabelConvention.BRATS2023);
    assertThat(d.channels()).containsExactly("t1n", "t1c", "t2w", "t2f");
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("BraTS-GLI-00001-000", "BraTS-MEN-00002-001");
    assertThat(d.scans().get(0).images().get(1)).isEqualTo(root.resolve("BraTS-GLI-00001-000/BraTS-GLI-00001-000-t1c.nii.gz").toAbsolutePath());
    assertThat(d.scans().get(0).mask()).isEqualTo(root.resolve("BraTS-GLI-00001-000/BraTS-GLI-00001-000-seg.nii.gz").toAbsolutePath());
    Dataset byNewNames = BratsReader.read(root, "brats", TaskType.SEGMENT, List.of("t2f"), problems);
    assertThat(byNewNames.channels()).containsExactly("t2f");
    assertThat(problems).isEmpty();
  }

  @Test
  void aForcedNamingThatDoesNotMatchNamesTheMissingFiles() throws IOException {
    writeCase2023("BraTS-GLI-00001-000", List.of("t1n"), true);
    Dataset d = BratsReader.read(root, "brats", TaskType.SEGMENT, List.of("t1"), LabelConvention.BRATS2021, problems);
    assertThat(d.labelConvention()).isEqualTo(LabelConvention.BRATS2021);
    assertThat(problems).extracting(DatasetProblem::message)
        .containsExactly("missing BraTS-GLI-00001-000_t1.nii.gz", "missing BraTS-GLI-00001-000_seg.nii.gz");
  }

  @Test
  void the2021NamingIsNamedToo() throws IOException {
    writeCase("BraTS2021_00000", ".nii.gz", BratsReader.DEFAULT_MODALITIES, true);
    assertThat(BratsReader.read(root, "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems).labelConvention())
        .isEqualTo(LabelConvention.BRATS2021);
    assertThat(DatasetFormat.fromId("brats2023")).isEqualTo(DatasetFormat.BRATS2023);
  }

  @Test
  void prefersNiiGzWhenBothExist() throws IOException {
    writeCase("c1", ".nii.gz", List.of("t1"), true);
    image(root.resolve("c1/c1_t1.nii"));

    Dataset d = BratsReader.read(root, "brats", TaskType.SEGMENT, List.of("t1"), problems);

    assertThat(d.scans().get(0).images()).containsExactly(root.resolve("c1/c1_t1.nii.gz").toAbsolutePath());
  }

  @Test
  void reportsEveryMissingModalityAndSegmentationPerCase() throws IOException {
    writeCase("ok", ".nii.gz", BratsReader.DEFAULT_MODALITIES, true);
    writeCase("noflair", ".nii.gz", List.of("t1", "t1ce", "t2"), true);
    writeCase("noseg", ".nii.gz", BratsReader.DEFAULT_MODALITIES, false);
    writeCase("bare", ".nii.gz", List.of("t1"), false);

    Dataset d = BratsReader.read(root, "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems);

    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("ok");
    assertThat(problems).extracting(DatasetProblem::toString).containsExactlyInAnyOrder(
        root.resolve("bare") + ": missing bare_t1ce.nii.gz",
        root.resolve("bare") + ": missing bare_t2.nii.gz",
        root.resolve("bare") + ": missing bare_flair.nii.gz",
        root.resolve("bare") + ": missing bare_seg.nii.gz",
        root.resolve("noflair") + ": missing noflair_flair.nii.gz",
        root.resolve("noseg") + ": missing noseg_seg.nii.gz");
  }

  @Test
  void segmentationIsOptionalForOtherTasksAndModalitiesCanBeChosen() throws IOException {
    writeCase("a", ".nii.gz", List.of("t1", "flair"), false);
    writeCase("b", ".nii.gz", List.of("t1", "flair"), true);

    Dataset d = BratsReader.read(root, "brats", TaskType.PRETRAIN, List.of("flair", "t1"), problems);

    assertThat(problems).isEmpty();
    assertThat(d.channels()).containsExactly("flair", "t1");
    assertThat(d.scans().get(0).images()).extracting(p -> p.getFileName().toString()).containsExactly("a_flair.nii.gz", "a_t1.nii.gz");
    assertThat(d.scans().get(0).mask()).isNull();
    assertThat(d.scans().get(1).mask()).isNotNull();
  }

  @Test
  void anEmptyOrMissingFolderIsAProblem(@TempDir Path empty) throws IOException {
    BratsReader.read(empty, "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems);
    assertThat(BratsReader.read(empty.resolve("missing"), "brats", TaskType.SEGMENT, BratsReader.DEFAULT_MODALITIES, problems)).isNull();

    assertThat(problems).extracting(DatasetProblem::toString).containsExactly(
        empty + ": no case folders", empty.resolve("missing") + ": BraTS folder not found");
  }

  @Test
  void loadsThroughDetectionAndChecksTheLabelSet() throws IOException {
    writeCase("c1", ".nii.gz", BratsReader.DEFAULT_MODALITIES, true);
    writeCase("c2", ".nii.gz", BratsReader.DEFAULT_MODALITIES, false);
    labels(root.resolve("c2/c2_seg.nii.gz"), 0, 1, 3);
    Expectations brats = new Expectations(List.of(), LabelConvention.BRATS2021.labels().keySet());

    DatasetException e = catchThrowableOfType(DatasetException.class, () -> DatasetLoader.load(DatasetSource.of("brats", root), TaskType.SEGMENT, brats));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(root.resolve("c2/c2_seg.nii.gz").toAbsolutePath().toString());
      assertThat(p.message()).contains("3.0");
    });
    Files.delete(root.resolve("c2/c2_seg.nii.gz"));
    labels(root.resolve("c2/c2_seg.nii.gz"), 0, 4);
    assertThat(DatasetLoader.load(DatasetSource.of("brats", root), TaskType.SEGMENT, brats).scans()).hasSize(2);
  }
}
