package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.brainbench.tasks.dataset.DatasetFixtures.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.tasks.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The manifest contract of docs/data-formats.md ("Manifest"), read without touching the image files. */
class ManifestReaderTest {
  @TempDir Path dir;

  private final List<DatasetProblem> problems = new ArrayList<>();

  private Dataset read(Path manifest, TaskType type) throws IOException {
    return ManifestReader.read(manifest, "ds", type, problems);
  }

  @Test
  void readsCsvWithPathsRelativeToTheManifestFolder() throws IOException {
    Path manifest = text(dir.resolve("data/manifest.csv"), List.of(
        "subject_id,image,label",
        "s01,images/s01.nii.gz,AD",
        "s02,../elsewhere/s02.nii.gz,CN",
        "s03," + dir.resolve("abs/s03.nii").toAbsolutePath() + ",CN"));

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(problems).isEmpty();
    assertThat(d.name()).isEqualTo("ds");
    assertThat(d.type()).isEqualTo(TaskType.CLASSIFY);
    assertThat(d.source()).isEqualTo(manifest);
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("s01", "s02", "s03");
    assertThat(d.scans()).extracting(Scan::label).containsExactly("AD", "CN", "CN");
    Path folder = dir.resolve("data").toAbsolutePath();
    assertThat(d.scans().get(0).images()).containsExactly(folder.resolve("images/s01.nii.gz"));
    assertThat(d.scans().get(1).images()).containsExactly(dir.toAbsolutePath().resolve("elsewhere/s02.nii.gz").normalize());
    assertThat(d.scans().get(2).images()).containsExactly(dir.resolve("abs/s03.nii").toAbsolutePath());
    assertThat(d.scans()).allSatisfy(s -> {
      assertThat(s.images()).allSatisfy(p -> assertThat(p).isAbsolute());
      assertThat(s.session()).isNull();
      assertThat(s.mask()).isNull();
    });
    assertThat(d.scans().get(1).origin()).isEqualTo(manifest + ":3");
  }

  @Test
  void relativePathsDoNotDependOnTheWorkingDirectory() throws IOException {
    // the manifest is given as a relative path; images must still resolve against its folder
    Path manifest = text(dir.resolve("m/manifest.csv"), List.of("subject_id,image", "a,x/a.nii.gz"));
    Path relative = Path.of("").toAbsolutePath().relativize(manifest.toAbsolutePath());

    Dataset d = read(relative, TaskType.PRETRAIN);

    assertThat(problems).isEmpty();
    assertThat(d.scans().get(0).images()).containsExactly(dir.resolve("m/x/a.nii.gz").toAbsolutePath().normalize());
  }

  @Test
  void readsTsvByExtension() throws IOException {
    Path manifest = text(dir.resolve("manifest.tsv"), List.of(
        "subject_id\timage\tage\tsite",
        "s01\ts01.nii.gz\t71.5\tA",
        "s02\ts02.nii.gz\t63\tB"));

    Dataset d = read(manifest, TaskType.REGRESS);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::age).containsExactly(71.5, 63.0);
    assertThat(d.scans()).extracting(s -> s.covariates().get("site")).containsExactly("A", "B");
  }

  @Test
  void readsTsvWhenTheHeaderHoldsTabsWhateverTheExtension() throws IOException {
    // a comma inside a field must not split it when the file is really tab-separated
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id\timage\tage\tnote",
        "s01\ts01.nii.gz\t70\tscanned, then rescanned"));

    Dataset d = read(manifest, TaskType.REGRESS);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).singleElement().satisfies(s -> {
      assertThat(s.age()).isEqualTo(70.0);
      assertThat(s.covariates()).containsEntry("note", "scanned, then rescanned");
    });
  }

  @Test
  void ignoresAByteOrderMark() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), "\uFEFFsubject_id,image,label\r\ns01,a.nii.gz,AD\r\ns02,b.nii.gz,CN\r\n");

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("s01", "s02");
  }

  @Test
  void ignoresAByteOrderMarkInTsv() throws IOException {
    Path manifest = text(dir.resolve("manifest.tsv"), "\uFEFFsubject_id\timage\nx\ta.nii\n");

    Dataset d = read(manifest, TaskType.PRETRAIN);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("x");
  }

  @Test
  void splitsMultiChannelImagesAndNamesChannelsAfterTheirFiles() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,image,mask",
        "s01, s01/s01_t1.nii.gz ; s01/s01_flair.nii.gz ,s01/s01_seg.nii.gz",
        "s02,s02/s02_t1.nii.gz;s02/s02_flair.nii.gz;,s02/s02_seg.nii.gz"));

    Dataset d = read(manifest, TaskType.SEGMENT);

    assertThat(problems).isEmpty();
    assertThat(d.channels()).containsExactly("t1", "flair");
    Path folder = dir.toAbsolutePath();
    assertThat(d.scans().get(0).images()).containsExactly(folder.resolve("s01/s01_t1.nii.gz"), folder.resolve("s01/s01_flair.nii.gz"));
    assertThat(d.scans().get(1).images()).containsExactly(folder.resolve("s02/s02_t1.nii.gz"), folder.resolve("s02/s02_flair.nii.gz"));
    assertThat(d.scans().get(0).mask()).isEqualTo(folder.resolve("s01/s01_seg.nii.gz"));
  }

  @Test
  void namesChannelsGenericallyWhenFileNamesDoNotTellThemApart() throws IOException {
    Path one = text(dir.resolve("one.csv"), List.of("subject_id,image", "s01,s01_t1.nii.gz"));
    Path two = text(dir.resolve("two.csv"), List.of("subject_id,image", "s01,a_t1.nii.gz;b_t1.nii.gz"));
    Path plain = text(dir.resolve("plain.csv"), List.of("subject_id,image", "s01,scan.nii.gz"));

    assertThat(read(one, TaskType.PRETRAIN).channels()).containsExactly("t1");
    assertThat(read(two, TaskType.PRETRAIN).channels()).containsExactly("ch0", "ch1");
    assertThat(read(plain, TaskType.PRETRAIN).channels()).containsExactly("image");
    assertThat(problems).isEmpty();
  }

  @Test
  void reportsARowWithADifferentNumberOfChannels() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,image",
        "s01,a_t1.nii;a_t2.nii",
        "s02,b_t1.nii",
        "s03,c_t1.nii;c_t2.nii"));

    Dataset d = read(manifest, TaskType.PRETRAIN);

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest + ":3");
      assertThat(p.message()).contains("1 image file(s)").contains("2");
    });
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("s01", "s03");
  }

  @Test
  void keepsTheOptionalSessionAndEveryOtherColumnAsCovariates() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,session,image,label,site,sex,age",
        "s01,ses-1,a.nii,AD,siteA,F,70",
        "s01,ses-2,b.nii,AD,siteA,F,72",
        "s02,,c.nii,CN,siteB,M,"));

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(problems).isEmpty();
    assertThat(d.scans()).extracting(Scan::session).containsExactly("ses-1", "ses-2", null);
    assertThat(d.scans()).extracting(Scan::scanId).containsExactly("s01_ses-1", "s01_ses-2", "s02");
    assertThat(d.scans().get(0).covariates()).containsExactlyInAnyOrderEntriesOf(Map.of("site", "siteA", "sex", "F", "age", "70"));
    assertThat(d.scans().get(0).covariates()).doesNotContainKeys("subject_id", "session", "image", "label");
    // an age column in a classify manifest is a covariate and also parsed (empty is allowed)
    assertThat(d.scans()).extracting(Scan::age).containsExactly(70.0, 72.0, null);
    assertThat(d.bySubject()).containsOnlyKeys("s01", "s02");
    assertThat(d.bySubject().get("s01")).hasSize(2);
    assertThat(d.subjectIds()).containsExactly("s01", "s02");
  }

  @Test
  void labelIsOnlyATargetForClassification() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,age,label", "s01,a.nii,50,AD"));

    Dataset d = read(manifest, TaskType.REGRESS);

    assertThat(problems).isEmpty();
    assertThat(d.scans().get(0).label()).isNull();
    assertThat(d.scans().get(0).age()).isEqualTo(50.0);
  }

  @Test
  void trimsFieldsAndHonoursCsvQuoting() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id , image , label , note",
        "  s01  ,  a.nii  ,  AD  ,\"x, y\""));

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(problems).isEmpty();
    Scan s = d.scans().get(0);
    assertThat(s.subjectId()).isEqualTo("s01");
    assertThat(s.label()).isEqualTo("AD");
    assertThat(s.images()).containsExactly(dir.toAbsolutePath().resolve("a.nii"));
    assertThat(s.covariates()).containsEntry("note", "x, y");
  }

  @ParameterizedTest
  @EnumSource(TaskType.class)
  void reportsMissingRequiredColumnsNamingThem(TaskType type) throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject,img,site", "s01,a.nii,A"));

    Dataset d = read(manifest, type);

    assertThat(d).isNull();
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest.toString());
      for (String col : ManifestReader.requiredColumns(type)) {
        assertThat(p.message()).contains(col);
      }
      assertThat(p.message()).contains(type.id());
    });
  }

  @Test
  void requiredColumnsFollowTheTaskType() {
    assertThat(ManifestReader.requiredColumns(TaskType.CLASSIFY)).containsExactly("subject_id", "image", "label");
    assertThat(ManifestReader.requiredColumns(TaskType.REGRESS)).containsExactly("subject_id", "image", "age");
    assertThat(ManifestReader.requiredColumns(TaskType.SEGMENT)).containsExactly("subject_id", "image", "mask");
    assertThat(ManifestReader.requiredColumns(TaskType.PRETRAIN)).containsExactly("subject_id", "image");
  }

  @Test
  void missingLabelColumnIsReportedForClassifyOnly() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,age", "s01,a.nii,50"));

    assertThat(read(manifest, TaskType.REGRESS)).isNotNull();
    assertThat(problems).isEmpty();
    assertThat(read(manifest, TaskType.CLASSIFY)).isNull();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("[label]"));
  }

  @Test
  void collectsEveryRowProblemWithFileAndLine() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of(
        "subject_id,image,label,age",   // 1
        "good1,a.nii,AD,70",            // 2
        ",b.nii,AD,70",                 // 3 empty subject
        "s03,c.nii,AD,seventy",         // 4 bad age
        "s04,d.nii,,70",                // 5 empty label
        "s05,e.nii,AD",                 // 6 too few fields
        "s06,f.nii,AD,70,extra",        // 7 too many fields
        "s07,,CN,70",                   // 8 empty image
        "s08,h.nii,CN,NaN",             // 9 not finite
        " , i.nii , , Inf ",            // 10 three problems in one row
        "good2,j.nii,CN,"));            // 11 empty age is fine for classify

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(d).isNotNull();
    assertThat(d.scans()).extracting(Scan::subjectId).containsExactly("good1", "good2");
    assertThat(problems).extracting(DatasetProblem::where).containsExactly(
        manifest + ":3", manifest + ":4", manifest + ":5", manifest + ":6", manifest + ":7", manifest + ":8",
        manifest + ":9", manifest + ":10", manifest + ":10", manifest + ":10");
    assertThat(problems.get(0).message()).contains("subject_id is empty");
    assertThat(problems.get(1).message()).contains("seventy");
    assertThat(problems.get(2).message()).contains("label is empty");
    assertThat(problems.get(3).message()).contains("3 fields").contains("4");
    assertThat(problems.get(4).message()).contains("5 fields").contains("4");
    assertThat(problems.get(5).message()).contains("image is empty");
    assertThat(problems.get(6).message()).contains("NaN");
    assertThat(problems.subList(7, 10)).extracting(DatasetProblem::message)
        .anySatisfy(m -> assertThat(m).contains("subject_id"))
        .anySatisfy(m -> assertThat(m).contains("label"))
        .anySatisfy(m -> assertThat(m).contains("Inf"));
    assertThat(problems).allSatisfy(p -> assertThat(p.toString()).startsWith(p.where() + ": "));
  }

  @Test
  void requiresTheTargetOfTheTaskInEveryRow() throws IOException {
    Path regress = text(dir.resolve("regress.csv"), List.of("subject_id,image,age", "s01,a.nii,", "s02,b.nii,40"));
    Path segment = text(dir.resolve("segment.csv"), List.of("subject_id,image,mask", "s01,a.nii,", "s02,b.nii,b_seg.nii"));

    Dataset r = read(regress, TaskType.REGRESS);
    Dataset s = read(segment, TaskType.SEGMENT);

    assertThat(r.scans()).extracting(Scan::subjectId).containsExactly("s02");
    assertThat(s.scans()).extracting(Scan::subjectId).containsExactly("s02");
    assertThat(problems).extracting(DatasetProblem::toString)
        .containsExactly(regress + ":2: age is empty", segment + ":2: mask is empty");
  }

  @Test
  void lineNumbersCountPhysicalLinesWithBlankLinesAndCrLf() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"),
        "subject_id,image,label\r\n"   // 1
            + "s01,a.nii,AD\r\n"        // 2
            + "\r\n"                    // 3
            + "\r\n"                    // 4
            + ",b.nii,AD\r\n"           // 5
            + "s03,c.nii,\r\n");        // 6

    read(manifest, TaskType.CLASSIFY);

    assertThat(problems).extracting(DatasetProblem::where).containsExactly(manifest + ":5", manifest + ":6");
  }

  @Test
  void lineNumbersCountPhysicalLinesAfterAQuotedMultiLineField() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"),
        "subject_id,image,label,note\n"   // 1
            + "s01,a.nii,AD,\"two\nlines\"\n" // 2-3
            + "s02,b.nii,,x\n");            // 4

    Dataset d = read(manifest, TaskType.CLASSIFY);

    assertThat(d.scans().get(0).covariates()).containsEntry("note", "two\nlines");
    assertThat(problems).extracting(DatasetProblem::where).containsExactly(manifest + ":4");
  }

  @Test
  void aManifestWithOnlyAHeaderHasNoRows() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image"));

    Dataset d = read(manifest, TaskType.PRETRAIN);

    assertThat(d.scans()).isEmpty();
    assertThat(problems).extracting(DatasetProblem::toString).containsExactly(manifest + ": has no rows");
  }

  @Test
  void aMissingManifestOrAFolderIsAProblemNotAnException() throws IOException {
    assertThat(read(dir.resolve("nope.csv"), TaskType.PRETRAIN)).isNull();
    assertThat(read(dir, TaskType.PRETRAIN)).isNull();
    assertThat(problems).extracting(DatasetProblem::toString)
        .containsExactly(dir.resolve("nope.csv") + ": manifest not found", dir + ": not a file");
  }

  @Test
  void aDuplicateColumnNameMakesTheFileUnreadable() throws IOException {
    Path manifest = text(dir.resolve("manifest.csv"), List.of("subject_id,image,site,site", "s01,a.nii,A,B"));

    assertThat(read(manifest, TaskType.PRETRAIN)).isNull();
    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(manifest.toString());
      assertThat(p.message()).startsWith("not a readable CSV file");
    });
  }
}
