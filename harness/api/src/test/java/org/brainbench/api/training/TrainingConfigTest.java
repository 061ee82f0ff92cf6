package org.brainbench.api.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.brainbench.tasks.preprocess.Augmentation;
import org.junit.jupiter.api.Test;

/** The learning-rate schedules: warm-up, cosine decay, and PyTorch's StepLR stepped per epoch. */
class TrainingConfigTest {
  private static TrainingConfig config(double warmup, Schedule schedule, double gamma, int every) {
    return new TrainingConfig(10, 4, OptimizerKind.ADAM, 1e-3, 0, 0.9, warmup, 0, 0, RegressionLoss.L1, Augmentation.none(), schedule, gamma, every);
  }

  @Test
  void stepScheduleKeepsAnEpochsRateAndMultipliesItAtEachEpochsEnd() {
    TrainingConfig c = config(0, Schedule.STEP, 0.99, 1);
    int steps = 5;
    for (int epoch = 0; epoch < 10; epoch++) {
      for (int s = 0; s < steps; s++) {
        assertThat(c.learningRateAt((long) epoch * steps + s, steps)).as("epoch %d step %d", epoch, s).isCloseTo(1e-3 * Math.pow(0.99, epoch), within(1e-15));
      }
    }
  }

  @Test
  void stepScheduleCanStepEveryFewEpochsAfterAWarmUp() {
    TrainingConfig c = config(2, Schedule.STEP, 0.5, 3);
    int steps = 4;
    assertThat(c.learningRateAt(0, steps)).isCloseTo(1e-3 / 8, within(1e-15)); // warm-up: (step + 1) / 8
    assertThat(c.learningRateAt(7, steps)).isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(8, steps)).as("first epoch after warm-up").isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(8 + 3 * steps - 1, steps)).isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(8 + 3 * steps, steps)).as("three epochs later").isCloseTo(5e-4, within(1e-15));
    assertThat(c.learningRateAt(8 + 6 * steps, steps)).isCloseTo(2.5e-4, within(1e-15));
  }

  @Test
  void cosineScheduleEndsAtZeroAndKeepsTheOldHashText() {
    TrainingConfig c = new TrainingConfig(10, 4, OptimizerKind.ADAMW, 1e-3, 1e-4, 0.9, 0, 0, 1, RegressionLoss.L1, Augmentation.none());
    assertThat(c.learningRateAt(0, 5)).isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(49, 5)).isLessThan(1e-5);
    assertThat(c.schedule()).isEqualTo(Schedule.COSINE);
    assertThat(c.toString()).doesNotContain("schedule").endsWith("augmentation=" + Augmentation.none() + "]");
    assertThat(config(0, Schedule.STEP, 0.99, 1).toString()).contains("schedule=STEP, stepGamma=0.99, stepEpochs=1");
  }

  /** TransSeg's schedule: after the warm-up, lr (T - s) / (T - W), reaching 0 at the last step. */
  @Test
  void linearScheduleDecaysToZeroAfterTheWarmUp() {
    TrainingConfig c = config(1, Schedule.LINEAR, 0.99, 1); // config(...) trains 10 epochs
    int steps = 4; // T = 40, W = 4
    assertThat(c.learningRateAt(3, steps)).as("end of warm-up").isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(4, steps)).isCloseTo(1e-3, within(1e-15));
    assertThat(c.learningRateAt(22, steps)).as("half-way").isCloseTo(5e-4, within(1e-15));
    assertThat(c.learningRateAt(40, steps)).isZero();
  }

  @Test
  void stepScheduleRejectsFactorsOutsideTheUnitInterval() {
    assertThatThrownBy(() -> config(0, Schedule.STEP, 1.5, 1)).hasMessageContaining("stepGamma");
    assertThatThrownBy(() -> config(0, Schedule.STEP, 0.9, 0)).hasMessageContaining("stepEpochs");
  }
}
