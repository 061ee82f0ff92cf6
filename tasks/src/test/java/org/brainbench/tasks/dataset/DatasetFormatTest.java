package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFormatTest {
  @TempDir Path dir;

  @Test
  void aFileIsAManifest() throws IOException {
    assertThat(DatasetFormat.detect(text(dir.resolve("anything.txt"), "x"))).isEqualTo(DatasetFormat.MANIFEST);
  }

  @Test
  void aFolderWithAManifestIsAManifestAndCsvWinsOverTsv() throws IOException {
    text(dir.resolve("manifest.tsv"), "x");
    Files.createDirectories(dir.resolve("sub-01"));
    text(dir.resolve("participants.tsv"), "x");

    assertThat(DatasetFormat.detect(dir)).isEqualTo(DatasetFormat.MANIFEST);
    assertThat(DatasetFormat.manifestIn(dir)).isEqualTo(dir.resolve("manifest.tsv"));
    text(dir.resolve("manifest.csv"), "x");
    assertThat(DatasetFormat.manifestIn(dir)).isEqualTo(dir.resolve("manifest.csv"));
  }

  @Test
  void participantsTsvOrSubjectFoldersMeanBids(@TempDir Path other) throws IOException {
    text(dir.resolve("participants.tsv"), "participant_id\n");
    Files.createDirectories(other.resolve("sub-01/anat"));

    assertThat(DatasetFormat.detect(dir)).isEqualTo(DatasetFormat.BIDS);
    assertThat(DatasetFormat.detect(other)).isEqualTo(DatasetFormat.BIDS);
  }

  @Test
  void otherFoldersAreBratsAndMissingPathsAreNull() throws IOException {
    Files.createDirectories(dir.resolve("BraTS_001"));
    text(dir.resolve("sub-notes.txt"), "a file named sub- is not a subject folder");

    assertThat(DatasetFormat.detect(dir)).isEqualTo(DatasetFormat.BRATS);
    assertThat(DatasetFormat.detect(dir.resolve("missing"))).isNull();
    assertThat(DatasetFormat.manifestIn(dir)).isNull();
  }

  @Test
  void idsRoundTrip() {
    for (DatasetFormat f : DatasetFormat.values()) {
      assertThat(DatasetFormat.fromId(f.id())).isSameAs(f);
    }
    assertThat(DatasetFormat.MANIFEST.id()).isEqualTo("manifest");
    assertThat(DatasetFormat.fromId("MANIFEST")).isNull();
    assertThat(DatasetFormat.fromId("nifti")).isNull();
  }

  @Test
  void theLoaderReadsTheManifestInsideADetectedFolder() throws IOException {
    text(dir.resolve("manifest.tsv"), List.of("subject_id\timage", "s01\timg/s01.nii.gz"));
    List<DatasetProblem> problems = new ArrayList<>();

    Dataset d = DatasetLoader.read(DatasetSource.of("ds", dir), TaskType.PRETRAIN, problems);

    assertThat(problems).isEmpty();
    assertThat(d.source()).isEqualTo(dir.resolve("manifest.tsv"));
    assertThat(d.scans().get(0).images()).containsExactly(dir.resolve("img/s01.nii.gz").toAbsolutePath());
  }

  @Test
  void anExplicitFormatOverridesDetection() throws IOException {
    text(dir.resolve("participants.tsv"), List.of("participant_id\tage"));
    Files.createDirectories(dir.resolve("case1"));
    List<DatasetProblem> problems = new ArrayList<>();

    DatasetLoader.read(new DatasetSource("ds", dir, DatasetFormat.BRATS, null, null), TaskType.SEGMENT, problems);

    assertThat(problems).extracting(DatasetProblem::message).contains("missing case1_t1.nii.gz", "missing case1_seg.nii.gz");
  }

  @Test
  void sourceDefaults() {
    DatasetSource s = DatasetSource.of("ds", dir);
    assertThat(s.format()).isNull();
    assertThat(s.labelColumn()).isEqualTo(DatasetSource.DEFAULT_LABEL_COLUMN);
    assertThat(s.modalities()).isEqualTo(BratsReader.DEFAULT_MODALITIES);
    assertThat(new DatasetSource("ds", dir, null, " ", List.of()).labelColumn()).isEqualTo("diagnosis");
  }
}
