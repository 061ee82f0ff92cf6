package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task split by subject tables (ClinicaDL's split TSVs): those subjects train and test, every
 * session following its subject, and the others are unused; a table naming a subject the data
 * lacks, or a subject in two tables, stops the run before anything trains.
 */
class SplitFilesTest {
  static final Path BRAIN = Path.of("../../tasks/src/test/resources/nifti-corpus/real_ch2bet_down6.nii.gz").toAbsolutePath();

  static String suite(String files) {
    return """
        name: split-files
        cache: cache
        datasets: {adni: data/manifest.csv}
        preprocess: {shape: 16}
        tasks:
          - {name: dx, type: classify, dataset: adni, classes: [CN, AD], split: {files: %s}}
        models:
          - id: cnn3d
            params: {channels: [4, 8], segmentationLevels: 2, dropout: 0}
        training: {epochs: 1, batchSize: 4}
        threads: 1
        """.formatted(files);
  }

  /** 12 subjects (the real Colin27 brain for each; labels alternate), the first two with a second session. */
  static void data(Path dir) throws IOException {
    List<String> rows = new ArrayList<>(List.of("subject_id,session,image,label"));
    for (int i = 1; i <= 12; i++) {
      rows.add("s%02d,ses-1,%s,%s".formatted(i, BRAIN, i % 2 == 0 ? "AD" : "CN"));
      if (i <= 2) {
        rows.add("s%02d,ses-2,%s,%s".formatted(i, BRAIN, i % 2 == 0 ? "AD" : "CN"));
      }
    }
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/manifest.csv"), rows);
  }

  @Test
  void theTablesDecideThePartitions(@TempDir Path dir) throws IOException {
    data(dir);
    Files.createDirectories(dir.resolve("split"));
    Files.writeString(dir.resolve("split/train.tsv"), "participant_id\tsession_id\ns01\tses-1\ns02\tses-1\ns03\tses-1\ns04\tses-1\ns05\tses-1\ns06\tses-1\n");
    Files.writeString(dir.resolve("split/validation.tsv"), "participant_id\tsession_id\ns07\tses-1\ns08\tses-1\n");
    Files.writeString(dir.resolve("split/test.tsv"), "participant_id\tsession_id\ns09\tses-1\ns10\tses-1\ns11\tses-1\n");
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, suite("{train: split/train.tsv, validation: split/validation.tsv, test: split/test.tsv}"));

    BrokenSuitesTest.Result run = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    ObjectNode row = RunSuiteTest.rows(dir.resolve("out")).get("dx/cnn3d/djl/s1/f0/p1");
    // subjects: 6 train (s01 and s02 with both sessions), 2 validation, 3 test, s12 unused
    assertThat(row.get("split").get("train").asInt()).isEqualTo(6);
    assertThat(row.get("split").get("validation").asInt()).isEqualTo(2);
    assertThat(row.get("split").get("test").asInt()).isEqualTo(3);
    List<String> predicted = Files.readAllLines(dir.resolve("out/predictions/dx/cnn3d/djl/s1/f0/p1.csv")).stream().skip(1)
        .map(l -> l.split(",")[0]).toList();
    assertThat(predicted).containsExactly("s09_ses-1", "s10_ses-1", "s11_ses-1");
  }

  @Test
  void aLeakOrAStrangerIsBadInputBeforeAnythingTrains(@TempDir Path dir) throws IOException {
    data(dir);
    Files.createDirectories(dir.resolve("split"));
    Files.writeString(dir.resolve("split/train.tsv"), "participant_id\ns01\ns02\ns03\n");
    Files.writeString(dir.resolve("split/test.tsv"), "participant_id\ns03\ns04\n");
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, suite("{train: split/train.tsv, test: split/test.tsv}"));
    BrokenSuitesTest.Result leak = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(leak.exit()).isEqualTo(2);
    assertThat(leak.err()).contains("subject s03 is also in").contains("a subject belongs to one partition").doesNotContain("\tat ");
    assertThat(dir.resolve("out/results.jsonl")).doesNotExist();

    Files.writeString(dir.resolve("split/test.tsv"), "participant_id\ns99\n");
    BrokenSuitesTest.Result stranger = BrokenSuitesTest.cli("run", suite.toString(), "--out", dir.resolve("out").toString());
    assertThat(stranger.exit()).isEqualTo(2);
    assertThat(stranger.err()).contains(dir.resolve("split/test.tsv") + ": 1 subject(s) not in the dataset: s99");

    Files.writeString(suite, suite("{train: split/train.tsv, test: split/test.tsv}, seed: 3"));
    BrokenSuitesTest.Result mixed = BrokenSuitesTest.cli("validate", suite.toString());
    assertThat(mixed.exit()).isEqualTo(2);
    assertThat(mixed.err()).contains("tasks[0].split.seed: a split read from files has no seed");
  }
}
