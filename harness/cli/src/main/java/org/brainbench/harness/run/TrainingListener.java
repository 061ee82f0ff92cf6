package org.brainbench.harness.run;

/**
 * Something that watches a training run and may act on it, as DJL's {@code TrainingListener}s do:
 * progress display, divergence, early stopping, checkpoints, data-wait timing. The loop calls the
 * listeners in the order it was given them; they share the run's {@link TrainingState}.
 */
interface TrainingListener {
  /** Before the first epoch (a checkpoint restores a resumed run's state here). */
  default void onTrainingBegin(TrainingState state) {}

  /** The next batch was ready after {@code waitedSeconds} of the loop waiting for it. */
  default void onBatchReady(TrainingState state, double waitedSeconds) {}

  /** After a training step; {@code loss} is the batch's loss before the update. */
  default void onBatch(TrainingState state, int batchInEpoch, float loss) {}

  /** After an epoch and its validation ({@link TrainingState#history} ends with it); may ask to stop. */
  default void onEpoch(TrainingState state) {}

  /** After the last epoch, or the one that stopped training. */
  default void onTrainingEnd(TrainingState state) {}
}
