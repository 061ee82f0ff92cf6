package org.brainbench.harness.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.brainbench.harness.Json;
import org.junit.jupiter.api.Test;

/** The typed row reads every published result and writes it back as it was. */
class ResultRowsTest {
  static List<Path> published() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("../../results"))) {
      return files.filter(p -> p.getFileName().toString().equals(ResultsFile.NAME)).sorted().toList();
    }
  }

  @Test
  void everyPublishedRowRoundTripsUnchanged() throws IOException {
    List<Path> files = published();
    assertThat(files).as("results folders in the repository").hasSizeGreaterThan(5);
    int rows = 0;
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).isBlank()) {
          continue;
        }
        JsonNode original = Json.mapper().readTree(lines.get(i));
        ObjectNode again = ResultRows.toJson(ResultRows.fromJson(original, f + ":" + (i + 1)));
        JsonNode expected = original.path("taskType").asText().equals("pretrain") ? asWrittenNow((ObjectNode) original.deepCopy()) : original;
        assertThat(again.toString()).as(f + ":" + (i + 1)).isEqualTo(expected.toString());
        rows++;
      }
    }
    assertThat(rows).isGreaterThan(200);
  }

  /**
   * Stage rows as this version writes them: timing rounded to ms like a cell's, an epoch without a
   * validation score as null (not NaN).
   */
  private static JsonNode asWrittenNow(ObjectNode row) {
    ObjectNode t = (ObjectNode) row.path("timing");
    t.fieldNames().forEachRemaining(k -> t.put(k, Timing.round(t.get(k).asDouble())));
    for (JsonNode h : row.path("history")) {
      if (h.path("validation").isNumber() && Double.isNaN(h.get("validation").asDouble())) {
        ((ObjectNode) h).putNull("validation");
      }
    }
    return row;
  }
}
