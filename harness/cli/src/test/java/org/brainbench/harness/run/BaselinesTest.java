package org.brainbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Scan;
import org.junit.jupiter.api.Test;

/** The trivial baselines a reader compares each cell with. */
class BaselinesTest {
  private static Sample aged(String id, double age) {
    return Sample.inMemory(new Scan(id, null, List.of(), null, null, age, Map.of(), "test"), new float[][] {{0f}}, null);
  }

  /**
   * The mean-age baseline predicts the training mean whether the cell's model trains on standardised
   * ages or on years (SFCN, the slice-set network): both give the same MAE.
   */
  @Test
  void meanAgeBaselineIsTheTrainingMeanInEitherUnit() {
    TaskEntry task = new TaskEntry("age", TaskType.REGRESS, "d", List.of(), List.of(), List.of("mae"), null, null, null);
    List<Sample> train = List.of(aged("a", 60), aged("b", 70), aged("c", 80)); // mean 70
    List<Sample> test = List.of(aged("d", 65), aged("e", 85)); // |65 - 70| and |85 - 70|: MAE 10
    for (boolean standardise : new boolean[] {true, false}) {
      Targets targets = Targets.fit(task, train, standardise, List.of());
      var scores = Baselines.score(task, test, targets, null, 1);
      assertThat(((Number) scores.metrics().get("mae")).doubleValue()).as("standardised targets: %s", standardise).isCloseTo(10.0,
          org.assertj.core.data.Offset.offset(1e-6));
    }
  }
}
