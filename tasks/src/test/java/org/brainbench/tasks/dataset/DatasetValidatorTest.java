package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.brainbench.tasks.dataset.DatasetFixtures.image;
import static org.brainbench.tasks.dataset.DatasetFixtures.labels;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.DatasetValidator.Expectations;
import org.brainbench.tasks.volume.Affine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation through {@link DatasetLoader#load}: every problem at once, each naming its row or file. */
class DatasetValidatorTest {
  private static final Expectations CLASSES = new Expectations(List.of("AD", "CN"), Set.of());
  private static final Expectations BRATS_LABELS = new Expectations(List.of(), Set.of(1, 2, 4));

  @TempDir Path dir;

  private static List<DatasetProblem> problemsOf(Path manifest, TaskType type, Expectations e) {
    DatasetException ex = catchThrowableOfType(DatasetException.class,
        () -> DatasetLoader.load(DatasetSource.of("ds", manifest), type, e));
    assertThat(ex).as("loading %s should fail", manifest).isNotNull();
    assertThat(ex.problems()).isNotEmpty();
    // the message lists every problem, so a user sees them all in one run
    assertThat(ex.getMessage()).startsWith(ex.problems().size() == 1 ? "1 problem" : ex.problems().size() + " problems");
    for (DatasetProblem p : ex.problems()) {
      assertThat(ex.getMessage()).contains(p.toString());
    }
    return ex.problems();
  }

  @Test
  void aValidClassificationDatasetLoads() throws IOException {
    image(dir.resolve("img/s01_t1.nii.gz"));
    image(dir.resolve("img/s01_flair.nii.gz"));
    image(dir.resolve("img/s02_t1.nii.gz"));
    image(dir.resolve("img/s02_flair.nii.gz"));
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,session,image,label",
        "s01,ses-1,img/s01_t1.nii.gz;img/s01_flair.nii.gz,AD",
        "s01,ses-2,img/s01_t1.nii.gz;img/s01_flair.nii.gz,AD",
        "s02,,img/s02_t1.nii.gz;img/s02_flair.nii.gz,CN"));

    Dataset d = DatasetLoader.load(DatasetSource.of("ds", manifest), TaskType.CLASSIFY, CLASSES);

    assertThat(d.scans()).hasSize(3);
    assertThat(d.channels()).containsExactly("t1", "flair");
  }

  @Test
  void aValidSegmentationDatasetLoadsFromItsFolder() throws IOException {
    image(dir.resolve("s01_t1.nii.gz"));
    labels(dir.resolve("s01_seg.nii.gz"), 0, 1, 2, 4);
    text(dir.resolve("manifest.csv"), List.of("subject_id,image,mask", "s01,s01_t1.nii.gz,s01_seg.nii.gz"));

    Dataset d = DatasetLoader.load(DatasetSource.of("ds", dir), TaskType.SEGMENT, BRATS_LABELS);

    assertThat(d.scans()).singleElement().satisfies(s -> assertThat(s.mask()).isEqualTo(dir.resolve("s01_seg.nii.gz").toAbsolutePath()));
  }

  @Test
  void reportsEveryClassificationProblemAtOnce() throws IOException {
    image(dir.resolve("a.nii.gz"));
    image(dir.resolve("b_t1.nii.gz"));
    image(dir.resolve("b_t2.nii.gz"), DatasetFixtures.SHAPE, Affine.diagonal(2, 2, 2));
    image(dir.resolve("c_t1.nii.gz"));
    image(dir.resolve("c_t2.nii.gz"), new int[] {4, 4, 5}, DatasetFixtures.ONE_MM);
    Files.writeString(dir.resolve("broken.nii.gz"), "not a nifti file");
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,image,label",                  // 1
        "ok1,a.nii.gz;a.nii.gz,AD",                // 2 fine
        "ok2,a.nii.gz;a.nii.gz,CN",                // 3 fine
        "miss,a.nii.gz;gone.nii.gz,AD",            // 4 missing file
        "ok1,a.nii.gz;a.nii.gz,AD",                // 5 duplicate of line 2
        "spacing,b_t1.nii.gz;b_t2.nii.gz,CN",      // 6 channels on different affines
        "shape,c_t1.nii.gz;c_t2.nii.gz,CN",        // 7 channels of different shapes
        "odd,a.nii.gz;a.nii.gz,MCI",               // 8 label not a class
        "bad,broken.nii.gz;a.nii.gz,AD",           // 9 unreadable
        ",a.nii.gz;a.nii.gz,AD"));                 // 10 row problem from the reader

    List<DatasetProblem> problems = problemsOf(manifest, TaskType.CLASSIFY, CLASSES);

    assertThat(problems).extracting(DatasetProblem::where).containsExactlyInAnyOrder(
        manifest + ":4", manifest + ":5", manifest + ":6", manifest + ":7", manifest + ":8", manifest + ":9", manifest + ":10");
    assertThat(message(problems, manifest + ":4")).contains("file not found").contains(dir.resolve("gone.nii.gz").toString());
    assertThat(message(problems, manifest + ":5")).contains("duplicate").contains("ok1").contains(manifest + ":2");
    assertThat(message(problems, manifest + ":6")).contains("b_t2.nii.gz").contains("b_t1.nii.gz");
    assertThat(message(problems, manifest + ":7")).contains("c_t2.nii.gz").contains("4x4x5");
    assertThat(message(problems, manifest + ":8")).contains("MCI").contains("[AD, CN]");
    assertThat(message(problems, manifest + ":9")).contains("unreadable");
    assertThat(message(problems, manifest + ":10")).contains("subject_id is empty");
  }

  @Test
  void reportsEverySegmentationProblemAtOnce() throws IOException {
    image(dir.resolve("img.nii.gz"));
    labels(dir.resolve("good_seg.nii.gz"), 0, 1, 2, 4);
    labels(dir.resolve("grid_seg.nii.gz"), DatasetFixtures.SHAPE, Affine.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {0, 0, 5}), 0, 1);
    labels(dir.resolve("shape_seg.nii.gz"), new int[] {4, 5, 4}, DatasetFixtures.ONE_MM, 0, 1);
    labels(dir.resolve("values_seg.nii.gz"), 0, 1, 3, 7);
    labels(dir.resolve("fraction_seg.nii.gz"), 0, 1, 2.5f, -1);
    Path manifest = text(dir.resolve("manifest.tsv"), List.of(
        "subject_id\timage\tmask",             // 1
        "ok\timg.nii.gz\tgood_seg.nii.gz",     // 2
        "grid\timg.nii.gz\tgrid_seg.nii.gz",   // 3 mask moved 5 mm
        "shape\timg.nii.gz\tshape_seg.nii.gz", // 4 mask of another shape
        "nomask\timg.nii.gz\tgone_seg.nii.gz", // 5 mask missing
        "noimg\tgone.nii.gz\tgood_seg.nii.gz", // 6 image missing
        "values\timg.nii.gz\tvalues_seg.nii.gz",     // 7 labels 3 and 7
        "fraction\timg.nii.gz\tfraction_seg.nii.gz", // 8 labels 2.5 and -1
        "empty\timg.nii.gz\t"));               // 9 reader problem

    List<DatasetProblem> problems = problemsOf(manifest, TaskType.SEGMENT, BRATS_LABELS);

    assertThat(problems).extracting(DatasetProblem::where).containsExactlyInAnyOrder(
        manifest + ":3", manifest + ":4", manifest + ":5", manifest + ":6",
        dir.resolve("values_seg.nii.gz").toAbsolutePath().toString(),
        dir.resolve("fraction_seg.nii.gz").toAbsolutePath().toString(),
        manifest + ":9");
    assertThat(message(problems, manifest + ":3")).contains("mask grid_seg.nii.gz").contains("img.nii.gz");
    assertThat(message(problems, manifest + ":4")).contains("mask shape_seg.nii.gz").contains("4x5x4");
    assertThat(message(problems, manifest + ":5")).contains("file not found").contains("gone_seg.nii.gz");
    assertThat(message(problems, manifest + ":6")).contains("file not found").contains("gone.nii.gz");
    assertThat(message(problems, dir.resolve("values_seg.nii.gz").toAbsolutePath().toString()))
        .contains("3.0").contains("7.0").doesNotContain("1.0,").contains("[1, 2, 4]");
    assertThat(message(problems, dir.resolve("fraction_seg.nii.gz").toAbsolutePath().toString()))
        .contains("2.5").contains("-1.0");
    assertThat(message(problems, manifest + ":9")).contains("mask is empty");
  }

  @Test
  void maskValuesAreOnlyReadWhenALabelSetIsGiven() throws IOException {
    image(dir.resolve("img.nii.gz"));
    labels(dir.resolve("seg.nii.gz"), 0, 3, 7);
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,mask", "s,img.nii.gz,seg.nii.gz"));

    assertThat(DatasetLoader.load(DatasetSource.of("ds", manifest), TaskType.SEGMENT, Expectations.none()).scans()).hasSize(1);
    assertThat(problemsOf(manifest, TaskType.SEGMENT, new Expectations(List.of(), Set.of(3))))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("7.0").doesNotContain("3.0"));
  }

  @Test
  void aMaskWithinTheGridToleranceIsOnTheSameGrid() throws IOException {
    image(dir.resolve("img.nii.gz"));
    double eps = DatasetValidator.GRID_TOLERANCE_MM / 4;
    labels(dir.resolve("seg.nii.gz"), DatasetFixtures.SHAPE,
        Affine.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {eps, 0, 0}), 0, 1);
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,mask", "s,img.nii.gz,seg.nii.gz"));

    assertThat(DatasetLoader.load(DatasetSource.of("ds", manifest), TaskType.SEGMENT, BRATS_LABELS).scans()).hasSize(1);
  }

  @Test
  void sameSubjectInTwoSessionsIsNotADuplicateButTheSameSessionTwiceIs() throws IOException {
    image(dir.resolve("a.nii.gz"));
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,session,image,age",
        "s01,1,a.nii.gz,60",
        "s01,2,a.nii.gz,61",
        "s02,1,a.nii.gz,70",
        "s01,2,a.nii.gz,61"));

    List<DatasetProblem> problems = problemsOf(manifest, TaskType.REGRESS, Expectations.none());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest + ":5");
      assertThat(p.message()).contains("s01").contains("session 2").contains(manifest + ":3");
    });
  }

  @Test
  void classificationNeedsAtLeastTwoClasses() throws IOException {
    image(dir.resolve("a.nii.gz"));
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,label", "s01,a.nii.gz,AD", "s02,a.nii.gz,AD"));

    List<DatasetProblem> problems = problemsOf(manifest, TaskType.CLASSIFY, Expectations.none());

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest.toString());
      assertThat(p.message()).contains("\"AD\"").contains("two classes");
    });
  }

  @Test
  void anyClassIsAllowedWhenNoClassListIsGiven() throws IOException {
    image(dir.resolve("a.nii.gz"));
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,label", "s01,a.nii.gz,X", "s02,a.nii.gz,Y"));

    assertThat(DatasetLoader.load(DatasetSource.of("ds", manifest), TaskType.CLASSIFY, Expectations.none()).scans()).hasSize(2);
  }

  @Test
  void aTruncatedImageIsReportedWithItsRow() throws IOException {
    Path good = image(dir.resolve("a.nii"));
    byte[] bytes = Files.readAllBytes(good);
    Files.write(dir.resolve("cut.nii"), java.util.Arrays.copyOf(bytes, bytes.length - 10));
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image", "s01,a.nii", "s02,cut.nii"));

    assertThat(problemsOf(manifest, TaskType.PRETRAIN, Expectations.none())).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest + ":3");
      assertThat(p.message()).contains("unreadable");
    });
  }

  @Test
  void aMissingDatasetIsOneProblem() {
    assertThatThrownBy(() -> DatasetLoader.load(DatasetSource.of("ds", dir.resolve("nothing")), TaskType.PRETRAIN, Expectations.none()))
        .isInstanceOfSatisfying(DatasetException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> assertThat(p.where()).isEqualTo(dir.resolve("nothing").toString())));
  }

  @Test
  void aFolderWithoutAManifestGivenAsManifestIsOneProblem() {
    DatasetSource source = new DatasetSource("ds", dir, DatasetFormat.MANIFEST, null, null);
    assertThatThrownBy(() -> DatasetLoader.load(source, TaskType.PRETRAIN, Expectations.none()))
        .isInstanceOfSatisfying(DatasetException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> assertThat(p.message()).contains("manifest.csv")));
  }

  @Test
  void expectationsAreCopied() {
    List<String> classes = new java.util.ArrayList<>(List.of("a", "b"));
    Expectations e = new Expectations(classes, Set.of(1));
    classes.add("c");
    assertThat(e.classes()).containsExactly("a", "b");
    assertThat(Expectations.none().classes()).isEmpty();
    assertThat(Expectations.none().labels()).isEmpty();
  }

  private static String message(List<DatasetProblem> problems, String where) {
    List<DatasetProblem> at = problems.stream().filter(p -> p.where().equals(where)).toList();
    assertThat(at).as("problems at %s", where).hasSize(1);
    return at.get(0).message();
  }
}
