package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.tasks.preprocess.Augmenter;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.seed.Seeds;
import org.brainbench.tasks.volume.Grid;

/**
 * The backend-neutral training loop: seeded shuffling, batches read from the cache and augmented
 * on a background thread while the model trains on the previous one ({@link Prefetcher}), the warm-up + cosine learning
 * rate and a validation score after every epoch. Everything else a run needs is a {@link
 * TrainingListener}: early stopping with the best epoch's weights kept, per-epoch checkpoints,
 * the divergence guard ({@link DivergedException}), data-wait timing and progress
 * ({@link #standard}).
 */
final class TrainingLoop {
  /** One epoch's numbers; {@code diagnostics} are the model's measurements at the epoch's last step. */
  record Epoch(int epoch, double trainLoss, double validation, double learningRate, double seconds, java.util.Map<String, Double> diagnostics) {}

  /** Scores the model on the validation set after each epoch. */
  interface Validator {
    double score(Model model);

    boolean higherIsBetter();
  }

  /** The validation score of a task: its primary metric on the validation scans. */
  static Validator forTask(TaskEntry task, List<Sample> validation, Targets targets, Grid grid, long seed, int batchSize) {
    String metric = task.primaryMetric();
    return new Validator() {
      @Override
      public double score(Model model) {
        List<float[]> out = Predictions.predict(model, validation, batchSize);
        return Predictions.score(task, validation, out, targets, grid, seed).scalar(metric);
      }

      @Override
      public boolean higherIsBetter() {
        return MetricRegistry.higherIsBetter(metric);
      }
    };
  }

  /** The validation score of a pre-training stage: the mean loss of its own objective. */
  static Validator forPretraining(List<Sample> validation, int batchSize) {
    return new Validator() {
      @Override
      public double score(Model model) {
        double sum = 0;
        int batches = Batches.count(validation.size(), batchSize);
        try (Prefetcher<Batch> next = Batches.inputsAhead("validation-loader", validation, model.head(), batchSize)) {
          for (int b = 0; b < batches; b++) {
            Batch batch = next.next();
            sum += model.evaluateLoss(batch) * batch.size();
          }
        }
        return validation.isEmpty() ? Double.NaN : sum / validation.size();
      }

      @Override
      public boolean higherIsBetter() {
        return false;
      }
    };
  }

  /**
   * What training did.
   *
   * @param resumedFromEpoch the epoch whose saved state training continued from, 0 when it started afresh
   */
  record Result(List<Epoch> history, int bestEpoch, double trainSeconds, double dataWaitSeconds, long samplesSeen, int resumedFromEpoch) {}

  /** The loss became NaN or infinite. */
  static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String message) {
      super(message);
    }
  }

  /**
   * What one training run needs besides its listeners.
   *
   * @param validator scores the model after each epoch, or null when there are no validation scans
   */
  record Plan(Model model, TrainingConfig config, List<Sample> train, Validator validator, Targets targets, Grid grid, long seed) {}

  private TrainingLoop() {}

  /**
   * The standard listeners of a cell or stage, in the order the loop calls them: early stopping
   * (before the checkpoint, which saves the best epoch), the checkpoint (restores first on resume;
   * null for none), the divergence guard, the data-wait timer and the progress bar.
   */
  static List<TrainingListener> standard(Validator validator, EpochCheckpoint checkpoint, Progress progress) {
    List<TrainingListener> out = new ArrayList<>();
    out.add(new EarlyStopping(validator == null || validator.higherIsBetter()));
    if (checkpoint != null) {
      out.add(checkpoint);
    }
    out.add(new DivergenceGuard());
    out.add(new DataWaitTimer());
    out.add(new ProgressListener(progress));
    return out;
  }

  static Result run(Plan plan, List<TrainingListener> listeners) {
    Model model = plan.model();
    TrainingConfig config = plan.config();
    List<Sample> train = plan.train();
    Augmenter augmenter = config.augmentation().isNone() ? null
        : new Augmenter(config.augmentation(), plan.grid().nx(), plan.grid().ny(), plan.grid().nz());
    int stepsPerEpoch = steps(train.size(), config.batchSize());
    TrainingState state = new TrainingState(model, config, stepsPerEpoch, plan.validator() != null);
    listeners.forEach(l -> l.onTrainingBegin(state));
    for (int epoch = state.firstEpoch; epoch <= config.epochs() && !state.stopRequested; epoch++) {
      long epochStart = System.nanoTime();
      // dropout and masking draw from the engine: reseeded per epoch, a resumed epoch draws the same numbers
      model.reseed(Seeds.mix(plan.seed(), "engine/epoch/" + epoch));
      List<Sample> order = new ArrayList<>(train);
      Collections.shuffle(order, new Random(Seeds.mix(plan.seed(), "epoch/" + epoch)));
      int e = epoch;
      double lossSum = 0;
      double lr = 0;
      try (Prefetcher<Batch> batches = new Prefetcher<>("batch-loader", Batches.AHEAD, stepsPerEpoch,
          b -> batch(order, b, config, model, plan.targets(), augmenter, plan.seed(), e))) {
        for (int b = 0; b < stepsPerEpoch; b++) {
          long waitStart = System.nanoTime();
          Batch batch = batches.next();
          double waited = (System.nanoTime() - waitStart) / 1e9;
          listeners.forEach(l -> l.onBatchReady(state, waited));
          lr = config.learningRateAt(state.step++, stepsPerEpoch);
          float loss = model.trainStep(batch, (float) lr);
          int inEpoch = b;
          listeners.forEach(l -> l.onBatch(state, inEpoch, loss));
          lossSum += loss * batch.size();
          state.seen += batch.size();
        }
      }
      double score = plan.validator() != null ? plan.validator().score(model) : Double.NaN;
      state.history.add(new Epoch(epoch, lossSum / train.size(), score, lr, (System.nanoTime() - epochStart) / 1e9, model.diagnostics()));
      listeners.forEach(l -> l.onEpoch(state));
    }
    listeners.forEach(l -> l.onTrainingEnd(state));
    return new Result(List.copyOf(state.history), state.bestEpoch, state.trainSeconds(), state.dataWaitSeconds, state.seen, state.firstEpoch - 1);
  }

  /**
   * Batches per epoch: the last partial batch is kept, except that a single left-over sample joins
   * the previous batch (batch norm cannot train on one sample whose features are 1x1x1).
   */
  static int steps(int samples, int batchSize) {
    int steps = (samples + batchSize - 1) / batchSize;
    return steps > 1 && samples % batchSize == 1 ? steps - 1 : steps;
  }

  /** Batch {@code b} of an epoch: its samples read (from the cache) and augmented. */
  private static Batch batch(List<Sample> order, int b, TrainingConfig config, Model model,
      Targets targets, Augmenter augmenter, long seed, int epoch) {
    int steps = steps(order.size(), config.batchSize());
    int from = b * config.batchSize();
    int to = b == steps - 1 ? order.size() : Math.min(order.size(), from + config.batchSize());
    List<Sample> part = new ArrayList<>(order.subList(from, to));
    if (augmenter != null) {
      Random r = new Random(Seeds.mix(seed, "augment/" + epoch + "/" + b));
      for (int i = 0; i < part.size(); i++) {
        Sample s = part.get(i);
        Augmenter.Augmented a = augmenter.apply(s.channels(), s.classes(), r);
        part.set(i, Sample.inMemory(s.scan(), a.channels(), a.classes()));
      }
    }
    return Batches.of(part, model.head(), targets, true);
  }
}
