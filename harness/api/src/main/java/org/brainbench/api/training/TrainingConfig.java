package org.brainbench.api.training;

import org.brainbench.tasks.preprocess.Augmentation;

/**
 * How a model is trained. The harness runs the loop (epochs, schedule, early stopping,
 * augmentation); the backend applies the optimiser, weight decay and gradient clipping.
 *
 * @param learningRate peak learning rate, reached after warm-up
 * @param warmupEpochs linear warm-up from 0, then the schedule
 * @param patience early stopping: epochs without improvement of the validation metric before
 *     stopping (0: never stop early); the best epoch's weights are kept
 * @param gradientClip largest global L2 norm of the gradient (0: no clipping)
 * @param schedule after warm-up: cosine decay to 0 at the last epoch, or steps of {@code stepGamma}
 * @param stepGamma the factor of a {@link Schedule#STEP} schedule, in (0, 1]
 * @param stepEpochs epochs between two steps of a {@link Schedule#STEP} schedule
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    OptimizerKind optimizer,
    double learningRate,
    double weightDecay,
    double momentum,
    double warmupEpochs,
    int patience,
    double gradientClip,
    RegressionLoss regressionLoss,
    Augmentation augmentation,
    Schedule schedule,
    double stepGamma,
    int stepEpochs) {
  public TrainingConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0 && learningRate < 10)) {
      throw new IllegalArgumentException("learningRate must be in (0, 10), got " + learningRate);
    }
    if (!(weightDecay >= 0 && weightDecay < 1)) {
      throw new IllegalArgumentException("weightDecay must be in [0, 1), got " + weightDecay);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(warmupEpochs >= 0 && warmupEpochs <= epochs)) {
      throw new IllegalArgumentException("warmupEpochs must be in [0, epochs], got " + warmupEpochs);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0, got " + patience);
    }
    if (!(gradientClip >= 0)) {
      throw new IllegalArgumentException("gradientClip must be >= 0, got " + gradientClip);
    }
    if (!(stepGamma > 0 && stepGamma <= 1)) {
      throw new IllegalArgumentException("stepGamma must be in (0, 1], got " + stepGamma);
    }
    if (stepEpochs < 1) {
      throw new IllegalArgumentException("stepEpochs must be >= 1, got " + stepEpochs);
    }
  }

  /** The configuration before schedules were configurable: cosine decay. */
  public TrainingConfig(int epochs, int batchSize, OptimizerKind optimizer, double learningRate, double weightDecay, double momentum,
      double warmupEpochs, int patience, double gradientClip, RegressionLoss regressionLoss, Augmentation augmentation) {
    this(epochs, batchSize, optimizer, learningRate, weightDecay, momentum, warmupEpochs, patience, gradientClip, regressionLoss, augmentation,
        Schedule.COSINE, 0.99, 1);
  }

  public static TrainingConfig defaults() {
    return new TrainingConfig(10, 4, OptimizerKind.ADAMW, 1e-3, 1e-4, 0.9, 1, 0, 1.0, RegressionLoss.L1, Augmentation.none());
  }

  /**
   * The learning rate at a step: linear warm-up, then cosine or linear decay to 0 at the end, or steps of
   * {@code stepGamma} every {@code stepEpochs} epochs counted from the end of the warm-up (an epoch
   * in progress keeps its rate, as StepLR stepped at the end of each epoch).
   */
  public double learningRateAt(long step, long stepsPerEpoch) {
    long total = (long) epochs * stepsPerEpoch;
    double warmup = warmupEpochs * stepsPerEpoch;
    if (step < warmup) {
      return learningRate * (step + 1) / warmup;
    }
    if (schedule == Schedule.STEP) {
      long epochsAfterWarmup = (long) Math.floor((step - warmup) / stepsPerEpoch);
      return learningRate * Math.pow(stepGamma, epochsAfterWarmup / stepEpochs);
    }
    double progress = total <= warmup ? 1 : (step - warmup) / (total - warmup);
    if (schedule == Schedule.LINEAR) {
      return learningRate * Math.max(0, 1 - progress);
    }
    return learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
  }

  /**
   * The record's text, without the step schedule's fields under the default cosine schedule: what
   * configuration hashes are made of, so they stay what they were before schedules were configurable.
   */
  @Override
  public String toString() {
    String base = "TrainingConfig[epochs=" + epochs + ", batchSize=" + batchSize + ", optimizer=" + optimizer + ", learningRate=" + learningRate
        + ", weightDecay=" + weightDecay + ", momentum=" + momentum + ", warmupEpochs=" + warmupEpochs + ", patience=" + patience
        + ", gradientClip=" + gradientClip + ", regressionLoss=" + regressionLoss + ", augmentation=" + augmentation;
    return schedule == Schedule.COSINE ? base + "]" : base + ", schedule=" + schedule + ", stepGamma=" + stepGamma + ", stepEpochs=" + stepEpochs + "]";
  }
}
