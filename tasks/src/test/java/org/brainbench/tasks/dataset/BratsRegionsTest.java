package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.brainbench.tasks.Cases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(Cases.NameFailures.class)
class BratsRegionsTest {
  @Test
  void regionsAreTheBratsLabelUnions() {
    float[] map = {0, 1, 2, 4, 3};

    assertThat(BratsRegions.WHOLE_TUMOUR.mask(map)).containsExactly(0, 1, 1, 1, 0);
    assertThat(BratsRegions.TUMOUR_CORE.mask(map)).containsExactly(0, 1, 0, 1, 0);
    assertThat(BratsRegions.ENHANCING_TUMOUR.mask(map)).containsExactly(0, 0, 0, 1, 0);
  }

  @Test
  void idsAndLabels() {
    assertThat(BratsRegions.values()).extracting(BratsRegions::id).containsExactly("WT", "TC", "ET");
    assertThat(BratsRegions.WHOLE_TUMOUR.labels()).isEqualTo(Set.of(1, 2, 4));
    assertThat(BratsRegions.TUMOUR_CORE.labels()).isEqualTo(Set.of(1, 4));
    assertThat(BratsRegions.ENHANCING_TUMOUR.labels()).isEqualTo(Set.of(4));
    assertThat(BratsRegions.LABELS).containsExactly(1, 2, 4);
  }

  @Test
  void labelsAreMatchedAfterRounding() {
    // resampled or float-stored label maps are close to, not exactly at, the integers
    assertThat(BratsRegions.ENHANCING_TUMOUR.mask(new float[] {3.9999f, 4.0001f, 3.4f})).containsExactly(1, 1, 0);
  }

  private static final float[] VALUES = {0f, 1f, 2f, 3f, 4f, 5f};

  private static float[] labelMap(Random r, int size) {
    float[] map = new float[size];
    for (int i = 0; i < size; i++) {
      map[i] = VALUES[r.nextInt(VALUES.length)];
    }
    return map;
  }

  /** Label maps of 0 to 64 voxels of 0 to 5: empty, each value alone, all of them, the largest, then random ones. */
  static Stream<Arguments> labelMaps() {
    List<Object[]> edges = new ArrayList<>();
    edges.add(Cases.args(new float[0]));
    for (float v : VALUES) {
      edges.add(Cases.args(new float[] {v}));
    }
    edges.add(Cases.args(VALUES.clone()));
    edges.add(Cases.args(labelMap(new Random(0), 64)));
    return Cases.of(0x0B7A_0001L, 200, edges, r -> Cases.args(labelMap(r, r.nextInt(65))));
  }

  @ParameterizedTest(name = "[{index}] {argumentSetName}")
  @MethodSource("labelMaps")
  void regionsAreNestedAndMatchTheirLabels(float[] map) {
    float[] wt = BratsRegions.WHOLE_TUMOUR.mask(map);
    float[] tc = BratsRegions.TUMOUR_CORE.mask(map);
    float[] et = BratsRegions.ENHANCING_TUMOUR.mask(map);
    assertThat(wt).hasSameSizeAs(map);
    for (int i = 0; i < map.length; i++) {
      assertThat(et[i]).isLessThanOrEqualTo(tc[i]);
      assertThat(tc[i]).isLessThanOrEqualTo(wt[i]);
      int label = (int) map[i];
      assertThat(wt[i]).isEqualTo(label == 1 || label == 2 || label == 4 ? 1f : 0f);
      assertThat(tc[i]).isEqualTo(label == 1 || label == 4 ? 1f : 0f);
      assertThat(et[i]).isEqualTo(label == 4 ? 1f : 0f);
    }
  }
}
