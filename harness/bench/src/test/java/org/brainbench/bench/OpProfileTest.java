package org.brainbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The op table maintainers read when a model is slower than the PyTorch reference. */
class OpProfileTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void selfTimeExcludesNestedOpsOfTheSameThreadOnly() throws Exception {
    // conv [0, 10) holds copy [2, 5) and copy [6, 8); another thread's relu overlaps but is not nested
    JsonNode trace = json.readTree("""
        [{"name": "conv", "ph": "X", "ts": 0, "dur": 10, "tid": 1},
         {"name": "copy", "ph": "X", "ts": 2, "dur": 3, "tid": 1},
         {"name": "copy", "ph": "X", "ts": 6, "dur": 2, "tid": 1},
         {"name": "relu", "ph": "X", "ts": 1, "dur": 4, "tid": 2},
         {"name": "marker", "ph": "i", "ts": 3, "tid": 1}]""");

    Map<String, double[]> ops = OpProfile.selfTimes(trace);

    assertThat(ops).containsOnlyKeys("conv", "copy", "relu");
    assertThat(ops.get("conv")).containsExactly(1, 5);
    assertThat(ops.get("copy")).containsExactly(2, 5);
    assertThat(ops.get("relu")).containsExactly(1, 4);
  }

  @Test
  void tableSetsEachOpBesideTheReference() throws Exception {
    ObjectNode mine = (ObjectNode) json.readTree("""
        {"case": "slice-cnn/segment", "size": 64, "batch": 4, "msPerStep": 1145.1,
         "ops": {"aten::copy_": {"calls": 122, "selfMs": 44.4}, "aten::native_layer_norm": {"calls": 9, "selfMs": 21.0}}}""");
    JsonNode torch = json.readTree("""
        {"msPerStep": 1229.6, "ops": {"aten::copy_": {"calls": 124, "selfMs": 102.5}, "aten::native_batch_norm": {"calls": 9, "selfMs": 50.3},
         "aten::tiny": {"calls": 1, "selfMs": 0.1}}}""");

    String table = OpProfile.table(mine, torch);

    assertThat(table).contains("DJL 1145.1 ms/step, PyTorch-Python 1229.6 ms/step");
    assertThat(table.lines().filter(l -> l.startsWith("aten::copy_")).findFirst().orElseThrow()).contains("44.40", "102.50", "-58.10");
    assertThat(table).contains("aten::native_batch_norm").contains("aten::native_layer_norm").doesNotContain("aten::tiny");
    // ordered by the larger of the two self times
    assertThat(table.indexOf("aten::copy_")).isLessThan(table.indexOf("aten::native_batch_norm"));
    assertThat(table.indexOf("aten::native_batch_norm")).isLessThan(table.indexOf("aten::native_layer_norm"));
  }

  @Test
  void profilesARealTrainingStep() throws Exception {
    ObjectNode result = OpProfile.profile(BenchCases.find("cnn3d/classify", 32), 1, json);

    JsonNode ops = result.path("ops");
    assertThat(ops.has("aten::convolution_backward")).as("backward convolutions in %s", ops).isTrue();
    assertThat(ops.path("aten::mkldnn_convolution").path("calls").asDouble()).isGreaterThanOrEqualTo(4);
    double self = 0;
    for (JsonNode op : ops) {
      self += op.path("selfMs").asDouble();
    }
    assertThat(self).isPositive().isLessThanOrEqualTo(result.path("msPerStep").asDouble() * 1.05);
    assertThat(result.path("size").asInt()).isEqualTo(32);
  }
}
