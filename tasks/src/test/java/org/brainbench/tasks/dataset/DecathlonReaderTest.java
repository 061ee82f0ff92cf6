package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.brainbench.tasks.dataset.DatasetFixtures.image;
import static org.brainbench.tasks.dataset.DatasetFixtures.labels;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Medical Segmentation Decathlon's and nnU-Net's raw layouts. */
class DecathlonReaderTest {
  @TempDir Path root;

  private final List<DatasetProblem> problems = new ArrayList<>();

  static final String MSD_JSON = """
      {"name": "BRATS", "tensorImageSize": "4D",
       "modality": {"0": "FLAIR", "1": "T1w", "2": "t1gd", "3": "T2w"},
       "labels": {"0": "background", "1": "edema", "2": "non-enhancing tumor", "3": "enhancing tumour"},
       "numTraining": 2, "numTest": 1,
       "training": [{"image": "./imagesTr/BRATS_001.nii.gz", "label": "./labelsTr/BRATS_001.nii.gz"},
                    {"image": "./imagesTr/BRATS_002.nii.gz", "label": "./labelsTr/BRATS_002.nii.gz"}],
       "test": ["./imagesTs/BRATS_485.nii.gz"]}
      """;

  private void fourD(Path file, int channels) throws IOException {
    float[] data = new float[64 * channels];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    file.getParent().toFile().mkdirs();
    NiftiWriter.write(file, new int[] {4, 4, 4, channels}, data, DatasetFixtures.ONE_MM, NiftiWriter.Options.float32());
  }

  @Test
  void readsTheDecathlonsFourDimensionalImagesAndItsTumourConvention() throws IOException {
    text(root.resolve("dataset.json"), MSD_JSON);
    for (String id : List.of("BRATS_001", "BRATS_002")) {
      fourD(root.resolve("imagesTr/" + id + ".nii.gz"), 4);
      labels(root.resolve("labelsTr/" + id + ".nii.gz"), 0, 1, 2, 3);
    }

    assertThat(DatasetFormat.detect(root)).isEqualTo(DatasetFormat.MSD);
    Dataset d = DatasetLoader.load(DatasetSource.of("msd", root), TaskType.SEGMENT,
        new DatasetValidator.Expectations(List.of(), LabelConvention.MSD.labels().keySet()));

    assertThat(d.labelConvention()).isEqualTo(LabelConvention.MSD);
    assertThat(d.channels()).containsExactly("flair", "t1w", "t1gd", "t2w");
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("BRATS_001", "BRATS_002");
    Scan first = d.scans().get(0);
    assertThat(first.images()).containsExactly(root.resolve("imagesTr/BRATS_001.nii.gz").toAbsolutePath());
    assertThat(first.mask()).isEqualTo(root.resolve("labelsTr/BRATS_001.nii.gz").toAbsolutePath());
    // the one 4D file is four channels
    assertThat(NiftiVolumes.read(first.images().get(0)).channels().length).isEqualTo(4);
  }

  @Test
  void readsNnunetV1sOneFilePerChannelConversionOfIt() throws IOException {
    text(root.resolve("dataset.json"), MSD_JSON);
    for (String id : List.of("BRATS_001", "BRATS_002")) {
      for (int c = 0; c < 4; c++) {
        image(root.resolve(String.format("imagesTr/%s_%04d.nii.gz", id, c)));
      }
      labels(root.resolve("labelsTr/" + id + ".nii.gz"), 0, 1);
    }
    Dataset d = DecathlonReader.read(root, "msd", TaskType.SEGMENT, problems);
    assertThat(problems).isEmpty();
    assertThat(d.scans().get(1).images()).hasSize(4).last().isEqualTo(root.resolve("imagesTr/BRATS_002_0003.nii.gz").toAbsolutePath());
  }

  @Test
  void readsNnunetV2RawWithChannelNamesAndFileEnding() throws IOException {
    text(root.resolve("dataset.json"), """
        {"channel_names": {"0": "T1", "1": "T2"}, "labels": {"background": 0, "hippocampus": 1, "amygdala": 2},
         "numTraining": 2, "file_ending": ".nii.gz"}
        """);
    for (String id : List.of("case_b", "case_a")) {
      image(root.resolve("imagesTr/" + id + "_0000.nii.gz"));
      image(root.resolve("imagesTr/" + id + "_0001.nii.gz"));
      labels(root.resolve("labelsTr/" + id + ".nii.gz"), 0, 1, 2);
    }

    assertThat(DatasetFormat.detect(root)).isEqualTo(DatasetFormat.NNUNET);
    Dataset d = DatasetLoader.read(DatasetSource.of("nn", root), TaskType.SEGMENT, problems);

    assertThat(problems).isEmpty();
    assertThat(d.labelConvention()).isNull();
    assertThat(d.channels()).containsExactly("t1", "t2");
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("case_a", "case_b");
    assertThat(d.scans().get(0).images()).containsExactly(root.resolve("imagesTr/case_a_0000.nii.gz").toAbsolutePath(),
        root.resolve("imagesTr/case_a_0001.nii.gz").toAbsolutePath());
  }

  @Test
  void nnunetsRegionBasedBratsLabelsAreTheDecathlonConvention() throws IOException {
    text(root.resolve("dataset.json"), """
        {"channel_names": {"0": "T1", "1": "T1ce", "2": "T2", "3": "Flair"},
         "labels": {"background": 0, "whole tumor": [1, 2, 3], "tumor core": [2, 3], "enhancing tumor": [3]},
         "regions_class_order": [1, 2, 3], "file_ending": ".nii.gz"}
        """);
    for (int c = 0; c < 4; c++) {
      image(root.resolve(String.format("imagesTr/BraTS2021_00000_%04d.nii.gz", c)));
    }
    labels(root.resolve("labelsTr/BraTS2021_00000.nii.gz"), 0, 1, 2, 3);
    assertThat(DecathlonReader.read(root, "nn", TaskType.SEGMENT, problems).labelConvention()).isEqualTo(LabelConvention.MSD);
  }

  @Test
  void problemsNameTheirPlace() throws IOException {
    text(root.resolve("dataset.json"), MSD_JSON);
    fourD(root.resolve("imagesTr/BRATS_001.nii.gz"), 4);
    Dataset d = DecathlonReader.read(root, "msd", TaskType.SEGMENT, problems);
    assertThat(d.scans()).isEmpty();
    assertThat(problems).extracting(DatasetProblem::toString).containsExactly(
        root.resolve("dataset.json") + ": training[0]: missing " + root.resolve("labelsTr/BRATS_001.nii.gz"),
        root.resolve("dataset.json") + ": training[1]: missing " + root.resolve("imagesTr/BRATS_002.nii.gz")
            + " (nor one file per channel, BRATS_002_0000.nii.gz ...)");
    problems.clear();
    assertThat(DecathlonReader.read(root, "msd", TaskType.CLASSIFY, problems)).isNull();
    assertThat(problems).singleElement().extracting(DatasetProblem::message).asString().contains("cannot be a classify task");
    text(root.resolve("dataset.json"), "{not json");
    problems.clear();
    assertThat(DecathlonReader.read(root, "msd", TaskType.SEGMENT, problems)).isNull();
    assertThat(problems).singleElement().extracting(DatasetProblem::message).asString().startsWith("not valid JSON");
  }
}
