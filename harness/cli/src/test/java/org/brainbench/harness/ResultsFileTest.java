package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.brainbench.harness.Json;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultRows;
import org.brainbench.harness.result.ResultsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.jsonl: undefined metrics survive a round trip; only a genuinely torn last line is repaired. */
class ResultsFileTest {
  @TempDir Path dir;

  private static ObjectNode row(String cell) {
    ObjectNode r = Json.mapper().createObjectNode().put("schema", 1).put("suite", "s").put("cell", cell).put("task", "t").put("taskType", "regress")
        .put("model", "cnn3d").put("backend", "djl").put("status", "ok");
    r.putObject("metrics").put("auc", Double.NaN).put("mae", Double.POSITIVE_INFINITY).put("r2", 0.5);
    return r;
  }

  private static ResultRow typed(String cell) {
    return ResultRows.fromJson(row(cell), "test");
  }

  @Test
  void nanAndInfinityMetricsAreWrittenAndReadBack() throws Exception {
    ResultsFile f = ResultsFile.open(dir);
    f.put(typed("a"));
    f.put(typed("b"));
    ResultsFile again = ResultsFile.open(dir);
    assertThat(again.repaired()).isEmpty();
    assertThat(again.rows()).hasSize(2);
    assertThat(again.rows().get(1).metrics().scalar("auc")).isNaN();
    assertThat(again.rows().get(1).metrics().scalar("mae")).isInfinite();
  }

  @Test
  void rowsOfAnotherSchemaOrWithoutTheirIdentityAreRefusedWithTheirLine() throws Exception {
    Path file = dir.resolve(ResultsFile.NAME);
    Files.writeString(file, Json.line(Json.mapper(), row("a")) + "\n" + Json.line(Json.mapper(), row("b").put("schema", 2)) + "\n");
    assertThatThrownBy(() -> ResultsFile.read(file)).hasMessage(file + ":2: schema 2; this brainbench reads schema 1");
    ObjectNode noTask = row("c");
    noTask.remove("task");
    Files.writeString(file, Json.line(Json.mapper(), noTask) + "\n");
    assertThatThrownBy(() -> ResultsFile.read(file)).hasMessageStartingWith(file + ":1: no \"task\"");
  }

  @Test
  void aTornLastLineIsDroppedButABadCompleteLineIsAnError() throws Exception {
    Path file = dir.resolve(ResultsFile.NAME);
    String good = Json.line(Json.mapper(), row("a"));
    Files.writeString(file, good + "\n" + good.replace("\"a\"", "\"b\"").substring(0, 20));
    ResultsFile torn = ResultsFile.open(dir);
    assertThat(torn.repaired()).hasValueSatisfying(m -> assertThat(m).contains(":2: torn last line"));
    assertThat(torn.rows()).hasSize(1);

    Files.writeString(file, good + "\n{\"cell\": oops}\n");
    assertThatThrownBy(() -> ResultsFile.open(dir)).hasMessageContaining(file + ":2: not a JSON object");
  }
}
