package org.brainbench.tasks.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.brainbench.tasks.volume.Affine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reader against a corpus of files written (or hand-assembled) by nibabel, with nibabel's
 * reading of each as the expected values (tools/nifti-corpus/make_corpus.py).
 */
class NiftiCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/nifti-corpus");
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> goodFiles() throws IOException {
    return Files.readAllLines(CORPUS.resolve("expected.jsonl")).stream()
        .filter(l -> !l.isBlank())
        .map(l -> {
          try {
            JsonNode n = JSON.readTree(l);
            return Arguments.of(n.get("path").asText(), n);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static Stream<Arguments> badFiles() throws IOException {
    return Files.readAllLines(CORPUS.resolve("bad/expected-errors.tsv")).stream()
        .skip(1)
        .filter(l -> !l.isBlank())
        .map(l -> l.split("\t"))
        .map(f -> Arguments.of(f[0], f[1]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void headerMatchesNibabel(String name, JsonNode expected) throws IOException {
    NiftiHeader h = NiftiReader.readHeader(CORPUS.resolve(name));
    assertThat(h.format().id()).isEqualTo(expected.get("format").asText());
    assertThat(h.shape()).containsExactly(longs(expected.get("shape")));
    assertThat(h.spacing()).containsExactly(doubles(expected.get("spacing")), within(1e-12));
    assertThat(h.datatype().id()).isEqualTo(expected.get("datatype").asText());
    assertThat(h.byteOrder().toString().toLowerCase()).startsWith(expected.get("byteOrder").asText());
    assertNumberOrNull(h.sclSlope(), expected.get("sclSlope"));
    assertNumberOrNull(h.sclInter(), expected.get("sclInter"));
    Affine a = h.affine();
    JsonNode rows = expected.get("affine");
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        double want = rows.get(r).get(c).asDouble();
        assertThat(a.get(r, c)).as("affine[%d][%d]", r, c).isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void statisticsMatchNibabel(String name, JsonNode expected) throws IOException {
    VoxelStatistics s = NiftiReader.statistics(CORPUS.resolve(name));
    assertThat(s.nanCount()).isEqualTo(expected.get("nanCount").asLong());
    assertClose(s.min(), expected.get("min"));
    assertClose(s.max(), expected.get("max"));
    assertClose(s.mean(), expected.get("mean"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodFiles")
  void fullReadAgreesWithStreamedStatistics(String name, JsonNode expected) throws IOException {
    NiftiImage image = NiftiReader.read(CORPUS.resolve(name));
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long nan = 0;
    for (float v : image.data()) {
      if (Float.isNaN(v)) {
        nan++;
      } else {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    assertThat(nan).isEqualTo(expected.get("nanCount").asLong());
    // float32 holds the scaled values to 24 bits (and float64 values past its range as infinity)
    assertThat(min).isEqualTo((double) (float) expected.get("min").asDouble());
    assertThat(max).isEqualTo((double) (float) expected.get("max").asDouble());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badFiles")
  void brokenFilesFailWithANamedProblem(String name, String keyword) {
    Path file = CORPUS.resolve("bad").resolve(name);
    assertThatThrownBy(() -> {
          NiftiReader.readHeader(file);
          NiftiReader.statistics(file);
          NiftiReader.read(file);
        })
        .isInstanceOf(NiftiFormatException.class)
        .hasMessageContaining(keyword)
        // the message names the file (for a pair, the header or the image file)
        .hasMessageContaining(name.replaceAll("\\.(hdr|img)(\\.gz)?$", ""));
  }

  private static void assertNumberOrNull(double actual, JsonNode expected) {
    if (expected.isNull()) {
      assertThat(actual).isNaN();
    } else {
      assertThat(actual).isEqualTo(expected.asDouble());
    }
  }

  private static void assertClose(double actual, JsonNode expected) {
    if (expected.isNull()) {
      assertThat(actual).isNaN();
      return;
    }
    double want = expected.asDouble();
    assertThat(actual).isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
