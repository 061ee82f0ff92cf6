package org.brainbench.harness.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.weights.Tensor;
import org.brainbench.cli.Progress;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.seed.Seeds;
import org.brainbench.tasks.volume.Grid;

/**
 * The backend-neutral training loop: seeded shuffling, augmentation on a background thread
 * (batches are built while the model trains on the previous one), the warm-up + cosine learning
 * rate, a validation score after every epoch, early stopping, and the best epoch's weights kept.
 * A loss that becomes NaN or infinite stops the cell with {@link DivergedException}.
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
        int n = 0;
        for (int start = 0; start < validation.size(); start += batchSize) {
          List<Sample> part = validation.subList(start, Math.min(validation.size(), start + batchSize));
          sum += model.evaluateLoss(Batches.of(part, model.head(), null, false)) * part.size();
          n += part.size();
        }
        return n == 0 ? Double.NaN : sum / n;
      }

      @Override
      public boolean higherIsBetter() {
        return false;
      }
    };
  }

  /** What training did. */
  /** @param resumedFromEpoch the epoch whose saved state training continued from, 0 when it started afresh */
  record Result(List<Epoch> history, int bestEpoch, double trainSeconds, double dataWaitSeconds, long samplesSeen, int resumedFromEpoch) {}

  /** The loss became NaN or infinite. */
  static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DivergedException(String message) {
      super(message);
    }
  }

  private static final int PREFETCH = 2;

  private TrainingLoop() {}

  static Result run(Model model, TrainingConfig config, List<Sample> train, boolean validate, Validator validator,
      Targets targets, Grid grid, long seed, Progress progress) {
    return run(model, config, train, validate, validator, targets, grid, seed, progress, null, false);
  }

  /**
   * @param checkpoint where the state is saved after every epoch (null: not saved)
   * @param resume continue from the checkpoint's state when it was made from the same configuration
   */
  static Result run(Model model, TrainingConfig config, List<Sample> train, boolean validate, Validator validator,
      Targets targets, Grid grid, long seed, Progress progress, EpochCheckpoint checkpoint, boolean resume) {
    Augmenter augmenter = config.augmentation().isNone() ? null : new Augmenter(config.augmentation(), grid.nx(), grid.ny(), grid.nz());
    int stepsPerEpoch = steps(train.size(), config.batchSize());
    boolean higher = validator.higherIsBetter();
    List<Epoch> history = new ArrayList<>();
    List<Tensor> best = null;
    double bestScore = Double.NaN;
    int bestEpoch = 0;
    int sinceBest = 0;
    long step = 0;
    long seen = 0;
    double waited = 0;
    double earlierSeconds = 0;
    int firstEpoch = 1;
    EpochCheckpoint.Restored restored = checkpoint != null && resume ? checkpoint.restore(model) : null;
    if (restored != null) {
      EpochCheckpoint.LoopState s = restored.loop();
      history.addAll(s.history());
      best = restored.best() != null ? restored.best() : validate ? model.exportWeights() : null;
      bestScore = s.bestScore();
      bestEpoch = s.bestEpoch();
      sinceBest = s.sinceBest();
      step = s.step();
      seen = s.seen();
      waited = s.waited();
      earlierSeconds = s.trainSeconds();
      firstEpoch = s.epoch() + 1;
      progress.stepTo((long) s.epoch() * stepsPerEpoch);
    } else if (checkpoint != null) {
      checkpoint.delete(); // state of another configuration, or a run started afresh
    }
    long start = System.nanoTime();
    ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "batch-loader");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int epoch = firstEpoch; epoch <= config.epochs(); epoch++) {
        long epochStart = System.nanoTime();
        // dropout and masking draw from the engine: reseeded per epoch, a resumed epoch draws the same numbers
        model.reseed(Seeds.mix(seed, "engine/epoch/" + epoch));
        List<Sample> order = new ArrayList<>(train);
        Collections.shuffle(order, new Random(Seeds.mix(seed, "epoch/" + epoch)));
        BlockingQueue<Future<Batch>> queue = new ArrayBlockingQueue<>(PREFETCH + 1);
        int next = 0;
        for (; next < Math.min(PREFETCH, stepsPerEpoch); next++) {
          queue.add(submit(loader, order, next, config, model, targets, augmenter, seed, epoch));
        }
        double lossSum = 0;
        double lr = 0;
        for (int b = 0; b < stepsPerEpoch; b++) {
          long waitStart = System.nanoTime();
          Batch batch = get(queue.remove());
          waited += (System.nanoTime() - waitStart) / 1e9;
          if (next < stepsPerEpoch) {
            queue.add(submit(loader, order, next++, config, model, targets, augmenter, seed, epoch));
          }
          lr = config.learningRateAt(step++, stepsPerEpoch);
          float loss = model.trainStep(batch, (float) lr);
          if (!Float.isFinite(loss)) {
            throw new DivergedException("loss became " + loss + " at epoch " + epoch + ", step " + (b + 1));
          }
          lossSum += loss * batch.size();
          seen += batch.size();
          progress.stepTo((long) (epoch - 1) * stepsPerEpoch + b + 1);
          progress.setExtra(String.format("epoch %d/%d loss %.4f", epoch, config.epochs(), loss));
        }
        double score = validate ? validator.score(model) : Double.NaN;
        history.add(new Epoch(epoch, lossSum / train.size(), score, lr, (System.nanoTime() - epochStart) / 1e9, model.diagnostics()));
        boolean improved = !validate || bestEpoch == 0
            || (!Double.isNaN(score) && (Double.isNaN(bestScore) || (higher ? score > bestScore : score < bestScore)));
        if (improved) {
          bestScore = score;
          bestEpoch = epoch;
          sinceBest = 0;
          best = validate ? model.exportWeights() : null;
        } else if (config.patience() > 0 && ++sinceBest >= config.patience()) {
          break;
        }
        if (checkpoint != null && epoch < config.epochs()) {
          double seconds = earlierSeconds + (System.nanoTime() - start) / 1e9;
          checkpoint.save(model, new EpochCheckpoint.LoopState(epoch, step, seen, waited, seconds, bestScore, bestEpoch, sinceBest, List.copyOf(history)),
              validate && bestEpoch != epoch ? best : null);
        }
      }
    } finally {
      loader.shutdownNow();
    }
    if (best != null && bestEpoch != history.size()) {
      model.importWeights(best);
    }
    return new Result(history, bestEpoch, earlierSeconds + (System.nanoTime() - start) / 1e9, waited, seen, firstEpoch - 1);
  }

  /**
   * Batches per epoch: the last partial batch is kept, except that a single left-over sample joins
   * the previous batch (batch norm cannot train on one sample whose features are 1x1x1).
   */
  static int steps(int samples, int batchSize) {
    int steps = (samples + batchSize - 1) / batchSize;
    return steps > 1 && samples % batchSize == 1 ? steps - 1 : steps;
  }

  private static Future<Batch> submit(ExecutorService loader, List<Sample> order, int b, TrainingConfig config, Model model,
      Targets targets, Augmenter augmenter, long seed, int epoch) {
    int steps = steps(order.size(), config.batchSize());
    int from = b * config.batchSize();
    int to = b == steps - 1 ? order.size() : Math.min(order.size(), from + config.batchSize());
    return loader.submit(() -> {
      List<Sample> part = new ArrayList<>(order.subList(from, to));
      if (augmenter != null) {
        Random r = new Random(Seeds.mix(seed, "augment/" + epoch + "/" + b));
        for (int i = 0; i < part.size(); i++) {
          part.set(i, augmenter.apply(part.get(i), r));
        }
      }
      return Batches.of(part, model.head(), targets, true);
    });
  }

  private static Batch get(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
    }
  }
}
