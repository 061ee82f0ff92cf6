package org.brainbench.tasks.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.split.SplitFile.SplitFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class SplitFileTest {
  @TempDir Path dir;

  private static final String ID_CHARS = "abcXYZ019-_.é ";

  /** An id as manifests hold them: letters, digits, - _ . and spaces or accents inside. */
  private static String id(Random r) {
    StringBuilder b = new StringBuilder();
    for (int i = r.nextInt(11); i > 0; i--) {
      b.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
    }
    return "s" + b.toString().strip();
  }

  /** A split of {@code size} subjects with random ids and partitions. */
  private static Split split(Random r, int size) {
    Map<String, Partition> assignment = new HashMap<>();
    while (assignment.size() < size) {
      assignment.put(id(r), Cases.oneOf(r, Partition.values()));
    }
    return Split.of(assignment);
  }

  /**
   * Splits of 0 to 40 subjects: empty, one subject in each partition, ids that differ only in
   * spaces, accents and punctuation, the largest size, then random ones.
   */
  static Stream<Arguments> splits() {
    List<Object[]> edges = new ArrayList<>();
    edges.add(Cases.args(Split.of(Map.of())));
    for (Partition p : Partition.values()) {
      edges.add(Cases.args(Split.of(Map.of("s", p))));
    }
    edges.add(Cases.args(Split.of(Map.of("sa b", Partition.TRAIN, "sa", Partition.VALIDATION, "sab", Partition.TEST,
        "sé .X", Partition.UNUSED, "s-_.", Partition.TRAIN, "s9", Partition.TEST, "s10", Partition.VALIDATION))));
    edges.add(Cases.args(split(new Random(0), 40)));
    return Cases.of(0x5F11_0001L, 200, edges, r -> Cases.args(split(r, r.nextInt(41))));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("splits")
  void writeThenReadGivesTheSameSplitAndHash(Split split) throws IOException {
    Path folder = Files.createTempDirectory("splitfile");
    try {
      Path file = folder.resolve("split.tsv");
      SplitFile.write(file, split);

      Split back = SplitFile.read(file);

      assertThat(back).isEqualTo(split);
      assertThat(back.hash()).isEqualTo(split.hash());
      assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(split.toTsv());
      try (Stream<Path> s = Files.list(folder)) {
        assertThat(s.toList()).as("no temp file is left beside the split").containsExactly(file);
      }
    } finally {
      try (Stream<Path> s = Files.list(folder)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(folder);
    }
  }

  @Test
  void overwritingReplacesTheWholeFile() throws IOException {
    Path file = dir.resolve("split.tsv");
    SplitFile.write(file, Split.of(Map.of("a", Partition.TRAIN, "b", Partition.TEST, "c", Partition.VALIDATION)));
    Split smaller = Split.of(Map.of("a", Partition.TEST));

    SplitFile.write(file, smaller);

    assertThat(SplitFile.read(file)).isEqualTo(smaller);
  }

  @Test
  void acceptsCommentsBlankLinesCrLfAndPadding() throws IOException {
    Path file = write("# made by hand\r\n\r\nsubject_id\tpartition\r\n# train first\r\ns1\ttrain \r\n\r\ns2\t test\r\n  s3\tunused\r\n");

    assertThat(SplitFile.read(file)).isEqualTo(Split.of(Map.of("s1", Partition.TRAIN, "s2", Partition.TEST, "s3", Partition.UNUSED)));
  }

  @Test
  void aSubjectInTwoPartitionsIsAnErrorNamingFileAndLines() throws IOException {
    Path file = write("subject_id\tpartition\ns1\ttrain\ns2\ttest\n# note\ns1\ttest\n");

    assertThatThrownBy(() -> SplitFile.read(file)).isInstanceOf(SplitFileException.class)
        .hasMessageStartingWith(file + ":5:")
        .hasMessageContaining("s1").hasMessageContaining("both train and test").hasMessageContaining("line 2");
  }

  @Test
  void idsThatWouldNotReadBackAreRefusedOnWrite(@org.junit.jupiter.api.io.TempDir Path dir) {
    for (String bad : List.of("#s1", "s\t1", "s\n1", " s1", "  ")) {
      assertThatThrownBy(() -> SplitFile.write(dir.resolve("split.tsv"), Split.of(Map.of(bad, Partition.TRAIN))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be written");
    }
    assertThat(dir.resolve("split.tsv")).doesNotExist();
  }

  @Test
  void aSubjectListedTwiceInOnePartitionIsAnError() throws IOException {
    Path file = write("subject_id\tpartition\ns1\tvalidation\ns2\ttest\ns1\tvalidation\n");

    assertThatThrownBy(() -> SplitFile.read(file)).isInstanceOf(SplitFileException.class)
        .hasMessageStartingWith(file + ":4:").hasMessageContaining("s1 is listed twice").hasMessageContaining("line 2");
  }

  @Test
  void anUnknownPartitionIsAnError() throws IOException {
    Path file = write("subject_id\tpartition\ns1\ttrain\ns2\tval\n");

    assertThatThrownBy(() -> SplitFile.read(file)).isInstanceOf(SplitFileException.class)
        .hasMessageStartingWith(file + ":3:").hasMessageContaining("unknown partition \"val\"");
  }

  @Test
  void aBadHeaderIsAnErrorAtItsLine() throws IOException {
    Path commaHeader = write("# comment\nsubject_id,partition\ns1\ttrain\n");
    Path noHeader = write("s1\ttrain\n");
    Path extraColumn = write("subject_id\tpartition\tfold\n");

    assertThatThrownBy(() -> SplitFile.read(commaHeader)).isInstanceOf(SplitFileException.class)
        .hasMessageStartingWith(commaHeader + ":2:").hasMessageContaining("header");
    assertThatThrownBy(() -> SplitFile.read(noHeader)).hasMessageStartingWith(noHeader + ":1:");
    assertThatThrownBy(() -> SplitFile.read(extraColumn)).hasMessageStartingWith(extraColumn + ":1:");
  }

  @Test
  void malformedLinesAreErrorsAtTheirLine() throws IOException {
    Path oneField = write("subject_id\tpartition\ns1\ttrain\ns2\n");
    Path threeFields = write("subject_id\tpartition\ns1\ttrain\tx\n");
    Path noSubject = write("subject_id\tpartition\n\ttrain\n");

    assertThatThrownBy(() -> SplitFile.read(oneField)).isInstanceOf(SplitFileException.class).hasMessageStartingWith(oneField + ":3:");
    assertThatThrownBy(() -> SplitFile.read(threeFields)).isInstanceOf(SplitFileException.class).hasMessageStartingWith(threeFields + ":2:");
    assertThatThrownBy(() -> SplitFile.read(noSubject)).isInstanceOf(SplitFileException.class).hasMessageStartingWith(noSubject + ":2:");
  }

  @Test
  void aMissingOrEmptyFileIsAnError() throws IOException {
    Path missing = dir.resolve("missing.tsv");
    Path empty = write("# only a comment\n\n");

    assertThatThrownBy(() -> SplitFile.read(missing)).isInstanceOf(SplitFileException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("not found");
    assertThatThrownBy(() -> SplitFile.read(dir)).isInstanceOf(SplitFileException.class).hasMessageContaining("not found");
    assertThatThrownBy(() -> SplitFile.read(empty)).isInstanceOf(SplitFileException.class)
        .hasMessageContaining(empty.toString()).hasMessageContaining("no header");
  }

  @Test
  void aHeaderOnlyFileIsAnEmptySplit() throws IOException {
    assertThat(SplitFile.read(write("subject_id\tpartition\n")).assignment()).isEmpty();
  }

  private int files;

  private Path write(String content) throws IOException {
    Path file = dir.resolve("split" + files++ + ".tsv");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
