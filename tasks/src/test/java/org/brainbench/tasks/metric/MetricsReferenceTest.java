package org.brainbench.tasks.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric against scikit-learn and a scipy implementation of the docs/metrics.md segmentation
 * definitions, on cases with ties, one-class truths, constant predictions and empty masks
 * (tools/metrics-reference/make_reference.py).
 */
class MetricsReferenceTest {
  static final Path DIR = Path.of("src/test/resources/metrics");

  static JsonNode load(String name) throws IOException {
    return new ObjectMapper().readTree(DIR.resolve(name + ".json").toFile());
  }

  static Stream<Arguments> cases(String name) throws IOException {
    JsonNode all = load(name);
    return IntStream.range(0, all.size()).mapToObj(i -> Arguments.of(i, all.get(i)));
  }

  static Stream<Arguments> classification() throws IOException {
    return cases("classification");
  }

  static Stream<Arguments> regression() throws IOException {
    return cases("regression");
  }

  static Stream<Arguments> segmentation() throws IOException {
    return cases("segmentation");
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("classification")
  void classificationMatchesScikitLearn(int index, JsonNode c) {
    int k = c.get("classes").asInt();
    int[] truth = ints(c.get("truth"));
    double[][] p = new double[truth.length][];
    for (int i = 0; i < truth.length; i++) {
      p[i] = doubles(c.get("probabilities").get(i));
    }
    Map<String, Double> m = ClassificationMetrics.compute(truth, p, k);
    c.get("expected").fields().forEachRemaining(e -> expect(m.get(e.getKey()), e.getValue(), e.getKey()));
  }

  @ParameterizedTest(name = "case {0}")
  @MethodSource("regression")
  void regressionMatchesScikitLearn(int index, JsonNode c) {
    Map<String, Double> m = RegressionMetrics.compute(doubles(c.get("truth")), doubles(c.get("prediction")));
    c.get("expected").fields().forEachRemaining(e -> expect(m.get(e.getKey()), e.getValue(), e.getKey()));
  }

  @ParameterizedTest(name = "set {0}")
  @MethodSource("segmentation")
  void segmentationMatchesTheReference(int index, JsonNode set) {
    int[] shape = ints(set.get("shape"));
    double[] spacing = doubles(set.get("spacing"));
    List<SegmentationMetrics.Case> cases = new ArrayList<>();
    for (int i = 0; i < set.get("cases").size(); i++) {
      JsonNode c = set.get("cases").get(i);
      cases.add(new SegmentationMetrics.Case("c" + i, floats(c.get("truth")), floats(c.get("prediction")), shape, spacing));
    }
    SortedSet<Integer> labels = SegmentationMetrics.labels(cases);
    JsonNode expected = set.get("expected");
    assertThat(labels).containsExactlyElementsOf(toList(ints(expected.get("labels"))));
    List<SegmentationMetrics.CaseScores> scores = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      SegmentationMetrics.CaseScores s = SegmentationMetrics.score(cases.get(i), labels);
      scores.add(s);
      JsonNode e = expected.get("perCase").get(i);
      for (int l : labels) {
        expect(s.dice().get(l), e.get("dice").get(String.valueOf(l)), "dice " + l);
        expect(s.hd95().get(l), e.get("hd95").get(String.valueOf(l)), "hd95 " + l);
      }
    }
    Map<String, Object> m = SegmentationMetrics.aggregate(scores, labels);
    expect((Double) m.get("dice"), expected.get("dice"), "dice");
    expect((Double) m.get("hd95"), expected.get("hd95"), "hd95");
  }

  private static void expect(Double actual, JsonNode expected, String what) {
    if (expected == null || expected.isNull()) {
      assertThat(actual).as(what).isNaN();
    } else {
      assertThat(actual).as(what).isCloseTo(expected.asDouble(), within(1e-9 * Math.max(1, Math.abs(expected.asDouble()))));
    }
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> out = new ArrayList<>();
    for (int v : a) {
      out.add(v);
    }
    return out;
  }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }
}
