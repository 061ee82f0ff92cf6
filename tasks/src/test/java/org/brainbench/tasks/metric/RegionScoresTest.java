package org.brainbench.tasks.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.brainbench.tasks.dataset.LabelConvention;
import org.junit.jupiter.api.Test;

/** The BraTS regions' Dice and HD95 against values worked out by hand. */
class RegionScoresTest {
  // a row of 8 voxels of 1 mm: every voxel of a mask is on its edge, so HD95 is a 1D distance
  private static final int[] SHAPE = {8, 1, 1};
  private static final double[] MM = {1, 1, 1};

  @Test
  void bratsRegionsOfOneCaseMatchAHandComputation() {
    float[] truth = {0, 2, 2, 1, 4, 4, 2, 0};
    float[] pred = {0, 2, 1, 1, 4, 2, 2, 2};
    var s = SegmentationMetrics.scoreRegions(new SegmentationMetrics.Case("c", truth, pred, SHAPE, MM), LabelConvention.BRATS2021.regions());
    // WT: truth voxels 1-6, prediction 1-7: Dice 2*6/(6+7); prediction's voxel 7 is 1 mm from the
    // truth, the other six 0: the 95th percentile of [0 x6, 1] is 0.7 (numpy's linear rule)
    assertThat(s.dice().get("WT")).isCloseTo(12.0 / 13, within(1e-12));
    assertThat(s.hd95().get("WT")).isCloseTo(0.7, within(1e-12));
    // TC = {1, 4}: truth 3-5, prediction 2-4: Dice 2*2/6; distances [0, 0, 1] each way -> 0.9
    assertThat(s.dice().get("TC")).isCloseTo(4.0 / 6, within(1e-12));
    assertThat(s.hd95().get("TC")).isCloseTo(0.9, within(1e-12));
    // ET = {4}: truth 4-5, prediction 4: Dice 2/3; truth to prediction [0, 1] -> 0.95, back [0]
    assertThat(s.dice().get("ET")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(s.hd95().get("ET")).isCloseTo(0.95, within(1e-12));
  }

  @Test
  void emptyRegionsFollowTheWrittenConventionAndEnterTheMean() {
    // truth without enhancing tumour; the first prediction has some (a false positive), the second none
    float[] truth = {0, 2, 2, 1, 1, 2, 0, 0};
    float[] falsePositive = {0, 2, 2, 1, 4, 2, 0, 0};
    var regions = LabelConvention.BRATS2021.regions();
    var a = SegmentationMetrics.scoreRegions(new SegmentationMetrics.Case("a", truth, falsePositive, SHAPE, MM), regions);
    var b = SegmentationMetrics.scoreRegions(new SegmentationMetrics.Case("b", truth, truth.clone(), SHAPE, MM), regions);
    double diagonal = Math.sqrt(8 * 8 + 1 + 1);
    assertThat(a.dice().get("ET")).isZero();
    assertThat(a.hd95().get("ET")).isCloseTo(diagonal, within(1e-12));
    assertThat(b.dice().get("ET")).isEqualTo(1.0);
    assertThat(b.hd95().get("ET")).isZero();
    Map<String, Double> mean = SegmentationMetrics.aggregateRegions(List.of(a, b), regions);
    assertThat(mean).containsOnlyKeys("diceWT", "diceTC", "diceET", "hd95WT", "hd95TC", "hd95ET");
    assertThat(mean.get("diceET")).isCloseTo(0.5, within(1e-12));
    assertThat(mean.get("hd95ET")).isCloseTo(diagonal / 2, within(1e-12));
    assertThat(mean.get("diceWT")).isEqualTo(1.0);
  }

  @Test
  void theSameMapMeansOtherRegionsUnderAnotherConvention() {
    float[] truth = {0, 1, 2, 3, 3, 0, 0, 0};
    float[] pred = {0, 1, 1, 3, 3, 0, 0, 0};
    var c = new SegmentationMetrics.Case("c", truth, pred, SHAPE, MM);
    // BraTS 2023: TC = {1, 3}: truth 1,3,4; prediction 1,2,3,4 -> 2*3/7. MSD: TC = {2, 3}: truth 2-4, prediction 3-4 -> 2*2/5
    assertThat(SegmentationMetrics.scoreRegions(c, LabelConvention.BRATS2023.regions()).dice().get("TC")).isCloseTo(6.0 / 7, within(1e-12));
    assertThat(SegmentationMetrics.scoreRegions(c, LabelConvention.MSD.regions()).dice().get("TC")).isCloseTo(4.0 / 5, within(1e-12));
  }

  @Test
  void regionMetricsTakeTheirDirectionFromTheRegistry() {
    assertThat(MetricRegistry.higherIsBetter("diceET")).isTrue();
    assertThat(MetricRegistry.higherIsBetter("hd95WT")).isFalse();
    assertThat(MetricRegistry.selectable(org.brainbench.tasks.TaskType.SEGMENT)).contains("diceWT", "hd95ET");
    assertThat(MetricRegistry.reported(org.brainbench.tasks.TaskType.SEGMENT)).doesNotContain("diceWT");
  }
}
