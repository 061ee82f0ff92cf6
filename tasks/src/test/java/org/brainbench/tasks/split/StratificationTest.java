package org.brainbench.tasks.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.Scan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class StratificationTest {
  private static Scan scan(String subject, String session, String label, Double age) {
    return new Scan(subject, session, List.of(), null, label, age, Map.of(), "m.csv");
  }

  private static Dataset dataset(List<Scan> scans) {
    return new Dataset("d", TaskType.CLASSIFY, Path.of("m.csv"), List.of("image"), scans);
  }

  @Test
  void noneClassAndAgeStrata() {
    Dataset d = dataset(List.of(scan("a", null, "AD", 60.0), scan("b", null, "CN", 70.0), scan("c", null, "AD", 80.0)));

    assertThat(Stratification.NONE.strata(d, 5)).containsOnly(Map.entry("a", "all"), Map.entry("b", "all"), Map.entry("c", "all"));
    assertThat(Stratification.CLASS.strata(d, 5)).containsOnly(Map.entry("a", "class=AD"), Map.entry("b", "class=CN"), Map.entry("c", "class=AD"));
    assertThat(Stratification.AGE.strata(d, 3)).containsOnly(Map.entry("a", "ageBin=0"), Map.entry("b", "ageBin=1"), Map.entry("c", "ageBin=2"));
    assertThat(Stratification.AGE.strata(d, 1)).containsOnly(Map.entry("a", "ageBin=0"), Map.entry("b", "ageBin=0"), Map.entry("c", "ageBin=0"));
  }

  @Test
  void aSubjectIsStratifiedByItsFirstSession() {
    // rows out of session order; the subject's class and age are those of ses-1
    Dataset d = dataset(List.of(
        scan("a", "ses-2", "AD", 90.0), scan("a", "ses-1", "CN", 10.0),
        scan("b", "ses-1", "AD", 50.0), scan("c", "ses-1", "AD", 60.0)));

    assertThat(Stratification.CLASS.strata(d, 1)).containsEntry("a", "class=CN");
    assertThat(Stratification.AGE.strata(d, 3)).containsEntry("a", "ageBin=0");
    assertThat(Stratification.CLASS.strata(d, 1)).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void missingTargetsCannotBeStratifiedBy() {
    Dataset d = dataset(List.of(scan("a", null, "AD", 60.0), scan("b", null, null, null)));

    assertThatThrownBy(() -> Stratification.CLASS.strata(d, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject b");
    assertThatThrownBy(() -> Stratification.AGE.strata(d, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject b");
    assertThat(Stratification.NONE.strata(d, 1)).hasSize(2);
  }

  @Test
  void idsRoundTrip() {
    for (Stratification s : Stratification.values()) {
      assertThat(Stratification.fromId(s.id())).isSameAs(s);
    }
    assertThat(Stratification.fromId("sex")).isNull();
    assertThatThrownBy(() -> Stratification.quantileEdges(List.of(1.0), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Partition.fromId("validation")).isEqualTo(Partition.VALIDATION);
    assertThat(Partition.fromId("Train")).isNull();
  }

  /**
   * (subjects in [1, 150], bins in [1, 10], seed): both ends of both ranges and as many subjects
   * as bins, one fewer and one more, then random ones.
   */
  static Stream<Arguments> ageBinCases() {
    int[][] edges = {{1, 1}, {1, 10}, {150, 1}, {150, 10}, {10, 10}, {9, 10}, {11, 10}, {2, 1}, {1, 2}};
    List<Object[]> edgeCases = new ArrayList<>();
    for (int[] e : edges) {
      edgeCases.add(Cases.args(e[0], e[1], Cases.EDGE_LONGS[edgeCases.size() % Cases.EDGE_LONGS.length]));
    }
    return Cases.of(0x5717_0001L, 300, edgeCases, r -> Cases.args(Cases.between(r, 1, 150), Cases.between(r, 1, 10), r.nextLong()));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("ageBinCases")
  void ageBinsHoldEqualCountsOfDistinctAgesInAgeOrder(int n, int bins, long seed) {
    Random r = new Random(seed);
    List<Scan> scans = new ArrayList<>();
    List<Double> ages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ages.add(18 + i * 0.37 + r.nextDouble() * 0.3);
    }
    Collections.shuffle(ages, r);
    for (int i = 0; i < n; i++) {
      scans.add(scan("s" + i, null, null, ages.get(i)));
    }

    Map<String, String> strata = Stratification.AGE.strata(dataset(scans), bins);

    Map<Integer, Integer> sizes = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String stratum = strata.get("s" + i);
      assertThat(stratum).startsWith("ageBin=");
      int bin = Integer.parseInt(stratum.substring("ageBin=".length()));
      assertThat(bin).isBetween(0, bins - 1);
      sizes.merge(bin, 1, Integer::sum);
      for (int j = 0; j < n; j++) {
        if (ages.get(j) > ages.get(i)) {
          assertThat(Integer.parseInt(strata.get("s" + j).substring(7))).as("an older subject is never in a younger bin").isGreaterThanOrEqualTo(bin);
        }
      }
    }
    int min = n < bins ? 0 : Collections.min(sizes.values());
    int max = Collections.max(sizes.values());
    assertThat(max - min).as("bin sizes %s", sizes).isLessThanOrEqualTo(1);
    if (n >= bins) {
      assertThat(sizes).hasSize(bins);
    }
  }
}
