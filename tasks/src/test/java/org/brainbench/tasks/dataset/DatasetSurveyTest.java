package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.brainbench.tasks.dataset.DatasetFixtures.image;
import static org.brainbench.tasks.dataset.DatasetFixtures.labels;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.volume.Affine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data check}'s survey: what it reports of a dataset, and every problem by path. */
class DatasetSurveyTest {
  @TempDir Path root;

  private void bratsCase(String id, float... labelValues) throws IOException {
    for (String m : List.of("t1n", "t1c", "t2w", "t2f")) {
      image(root.resolve(id).resolve(id + "-" + m + ".nii.gz"));
    }
    labels(root.resolve(id).resolve(id + "-seg.nii.gz"), labelValues);
  }

  @Test
  void describesABrats2023FolderFromHeadersAlone() throws IOException {
    bratsCase("BraTS-GLI-00001-000", 0, 1, 2, 3);
    bratsCase("BraTS-GLI-00002-000", 0, 2);

    DatasetSurvey.Report r = DatasetSurvey.survey(DatasetSource.of("d", root), null, false);

    assertThat(r.problems()).isEmpty();
    assertThat(r.usable()).isTrue();
    assertThat(r.format()).isEqualTo("brats");
    assertThat(r.labelConvention()).isEqualTo("brats2023");
    assertThat(r.task()).isEqualTo("segment");
    assertThat(r.subjects()).isEqualTo(2);
    assertThat(r.scans()).isEqualTo(2);
    assertThat(r.modalities()).containsExactly("t1n", "t1c", "t2w", "t2f");
    assertThat(r.labels()).containsOnlyKeys(1, 2, 3);
    assertThat(r.labels().get(3)).isEqualTo(new DatasetSurvey.Label("enhancing tumour", null));
    assertThat(r.shapes()).containsExactly(Map.entry("4x4x4", 2));
    assertThat(r.voxelSizes()).containsExactly(Map.entry("1x1x1", 2));
    assertThat(r.orientations()).containsExactly(Map.entry("RAS", 2));
    assertThat(r.intensities()).isEmpty();
  }

  @Test
  void statisticsReadVoxelsAndCheckTheConventionsLabels() throws IOException {
    bratsCase("BraTS-GLI-00001-000", 0, 1, 2, 3);
    bratsCase("BraTS-GLI-00002-000", 0, 4); // a 2021 label in a 2023 case

    DatasetSurvey.Report r = DatasetSurvey.survey(DatasetSource.of("d", root), null, true);

    // 64 voxels cycling 0,1,2,3: 16 of each; the second case: 32 voxels of 4
    assertThat(r.labels()).extracting(m -> m.get(1).voxels(), m -> m.get(2).voxels(), m -> m.get(3).voxels(), m -> m.get(4).voxels())
        .containsExactly(16L, 16L, 16L, 32L);
    assertThat(r.labels().get(4).meaning()).isNull();
    assertThat(r.intensities()).containsOnlyKeys("t1n", "t1c", "t2w", "t2f");
    DatasetSurvey.Intensity t1n = r.intensities().get("t1n");
    assertThat(t1n.scanMin().min()).isEqualTo(1.0);
    assertThat(t1n.scanMax().max()).isEqualTo(64.0);
    assertThat(t1n.scanMax().n()).isEqualTo(2);
    assertThat(r.usable()).isFalse();
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.where()).endsWith("BraTS-GLI-00002-000-seg.nii.gz");
      assertThat(p.message()).contains("4.0").contains("[1, 2, 3]");
    });
  }

  @Test
  void aManifestIsReadAsTheFirstTaskItSuitsWithClassesAgesAndGrids() throws IOException {
    image(root.resolve("a.nii.gz"));
    image(root.resolve("b.nii.gz"), new int[] {4, 4, 4}, Affine.of(new double[] {-2, 0, 0, 0, 2, 0, 0, 0, 2}, new double[] {0, 0, 0}));
    image(root.resolve("c.nii.gz"));
    text(root.resolve("manifest.csv"), List.of("subject_id,session,image,label,age", "s1,ses-1,a.nii.gz,CN,60", "s1,ses-2,b.nii.gz,CN,62",
        "s2,,c.nii.gz,AD,71"));

    DatasetSurvey.Report r = DatasetSurvey.survey(DatasetSource.of("d", root), null, false);

    assertThat(r.problems()).isEmpty();
    assertThat(r.format()).isEqualTo("manifest");
    assertThat(r.task()).isEqualTo("classify");
    assertThat(r.subjects()).isEqualTo(2);
    assertThat(r.sessions()).isEqualTo(2);
    assertThat(r.scans()).isEqualTo(3);
    assertThat(r.classes()).containsExactly(Map.entry("AD", 1), Map.entry("CN", 2));
    assertThat(r.ages()).isEqualTo(new DatasetSurvey.Range(3, 60, 62, 71));
    assertThat(r.voxelSizes()).containsOnlyKeys("1x1x1", "2x2x2");
    assertThat(r.orientations()).containsExactly(Map.entry("LAS", 1), Map.entry("RAS", 2));
    assertThat(DatasetSurvey.survey(DatasetSource.of("d", root), TaskType.REGRESS, false).task()).isEqualTo("regress");
  }

  @Test
  void everyProblemIsNamedByPath() throws IOException {
    bratsCase("BraTS-GLI-00001-000", 0, 1);
    image(root.resolve("BraTS-GLI-00002-000/BraTS-GLI-00002-000-t1n.nii.gz"));
    labels(root.resolve("BraTS-GLI-00002-000/BraTS-GLI-00002-000-seg.nii.gz"), new int[] {4, 4, 5}, DatasetFixtures.ONE_MM, 0, 1);

    DatasetSurvey.Report r = DatasetSurvey.survey(DatasetSource.of("d", root), null, false);

    assertThat(r.usable()).isFalse();
    assertThat(r.problems()).extracting(DatasetProblem::toString).contains(
        root.resolve("BraTS-GLI-00002-000") + ": missing BraTS-GLI-00002-000-t1c.nii.gz");
    DatasetSurvey.Report missing = DatasetSurvey.survey(DatasetSource.of("d", root.resolve("nope")), null, false);
    assertThat(missing.problems()).extracting(DatasetProblem::message).containsExactly("no such file or folder");
    assertThat(missing.usable()).isFalse();
  }
}
