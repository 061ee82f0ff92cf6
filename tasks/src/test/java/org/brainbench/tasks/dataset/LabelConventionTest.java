package org.brainbench.tasks.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.brainbench.tasks.dataset.LabelConvention.Region;
import org.junit.jupiter.api.Test;

class LabelConventionTest {
  private static List<Set<Integer>> regionLabels(LabelConvention c) {
    return c.regions().stream().map(Region::labels).toList();
  }

  @Test
  void eachConventionUnitesItsOwnLabelsIntoTheChallengeRegions() {
    assertThat(LabelConvention.BRATS2021.regions()).extracting(Region::id).containsExactly("WT", "TC", "ET");
    assertThat(regionLabels(LabelConvention.BRATS2021)).containsExactly(Set.of(1, 2, 4), Set.of(1, 4), Set.of(4));
    assertThat(regionLabels(LabelConvention.BRATS2023)).containsExactly(Set.of(1, 2, 3), Set.of(1, 3), Set.of(3));
    // the Decathlon numbers oedema 1 and the non-enhancing core 2: its core is {2, 3}, not {1, 3}
    assertThat(regionLabels(LabelConvention.MSD)).containsExactly(Set.of(1, 2, 3), Set.of(2, 3), Set.of(3));
    for (LabelConvention c : LabelConvention.values()) {
      assertThat(c.labels().keySet()).as(c.id()).isEqualTo(c.regions().get(0).labels());
      assertThat(c.regions().get(0).labels()).containsAll(c.regions().get(1).labels());
      assertThat(c.regions().get(1).labels()).containsAll(c.regions().get(2).labels());
    }
  }

  @Test
  void masksRoundFloatLabelMaps() {
    Region et = LabelConvention.BRATS2021.regions().get(2);
    assertThat(et.mask(new float[] {3.9999f, 4.0001f, 3.4f, 0f})).containsExactly(true, true, false, false);
  }

  @Test
  void idsRoundTrip() {
    for (LabelConvention c : LabelConvention.values()) {
      assertThat(LabelConvention.fromId(c.id())).isSameAs(c);
    }
    assertThat(LabelConvention.fromId("brats2019")).isNull();
  }
}
