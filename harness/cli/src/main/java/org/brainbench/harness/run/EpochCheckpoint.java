package org.brainbench.harness.run;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.backend.Model;
import org.brainbench.api.weights.Safetensors;
import org.brainbench.api.weights.Tensor;

/**
 * A cell's training state after its last finished epoch ({@code training-state.safetensors}):
 * the weights, the optimiser's state, the best epoch's weights when they differ, and the loop's
 * counters and history. Written after every epoch to a temp file and renamed, so SIGKILL loses
 * at most the epoch in progress; {@code run --resume} continues from it when the configuration
 * hash matches. Deleted once the cell's row is written.
 *
 * <p>As a {@link TrainingListener} it restores a resumed run's state before the first epoch (or
 * deletes a state left by another configuration) and saves after every epoch but the last.
 */
final class EpochCheckpoint implements TrainingListener {
  static final String FILE = "training-state.safetensors";
  private static final String MODEL = "model/";
  private static final String BEST = "best/";
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  /** The loop's own state after {@code epoch} finished epochs. */
  record LoopState(int epoch, long step, long seen, double waited, double trainSeconds, double bestScore, int bestEpoch, int sinceBest,
      List<TrainingLoop.Epoch> history) {}

  /** A restored state: the loop's counters and the best epoch's weights (null: the current weights are the best). */
  record Restored(LoopState loop, List<Tensor> best) {}

  private final Path file;
  private final String configHash;
  private final boolean resume;

  /** @param resume continue from the saved state when it was made from the same configuration */
  EpochCheckpoint(Path folder, String configHash, boolean resume) {
    this.file = folder.resolve(FILE);
    this.configHash = configHash;
    this.resume = resume;
  }

  @Override
  public void onTrainingBegin(TrainingState s) {
    Restored restored = resume ? restore(s.model) : null;
    if (restored == null) {
      delete(); // state of another configuration, or a run started afresh
      return;
    }
    LoopState loop = restored.loop();
    s.history.addAll(loop.history());
    s.best = restored.best() != null ? restored.best() : s.validates ? s.model.exportWeights() : null;
    s.bestScore = loop.bestScore();
    s.bestEpoch = loop.bestEpoch();
    s.sinceBest = loop.sinceBest();
    s.step = loop.step();
    s.seen = loop.seen();
    s.dataWaitSeconds = loop.waited();
    s.earlierSeconds = loop.trainSeconds();
    s.firstEpoch = loop.epoch() + 1;
  }

  @Override
  public void onEpoch(TrainingState s) {
    int epoch = s.epoch();
    if (s.stopRequested || epoch >= s.config.epochs()) {
      return; // the row is written next; nothing left to resume
    }
    save(s.model, new LoopState(epoch, s.step, s.seen, s.dataWaitSeconds, s.trainSeconds(), s.bestScore, s.bestEpoch, s.sinceBest,
        List.copyOf(s.history)), s.validates && s.bestEpoch != epoch ? s.best : null);
  }

  static Path forCell(Path out, String cellId) {
    return out.resolve("checkpoints").resolve(cellId).resolve(FILE);
  }

  void save(Model model, LoopState loop, List<Tensor> best) {
    List<Tensor> tensors = new ArrayList<>();
    for (Tensor t : model.exportWeights()) {
      tensors.add(new Tensor(MODEL + t.name(), t.shape(), t.data()));
    }
    tensors.addAll(model.exportTrainingState());
    if (best != null) {
      for (Tensor t : best) {
        tensors.add(new Tensor(BEST + t.name(), t.shape(), t.data()));
      }
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling("." + FILE + ".tmp");
      Safetensors.write(tmp, tensors, Map.of("configHash", configHash, "loop", JSON.writeValueAsString(loop)));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Restores the model and returns the loop's state; null when there is nothing to resume from
   * this configuration (or the file cannot be read, so the cell starts afresh). Everything is read
   * and checked before the model is touched.
   */
  Restored restore(Model model) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    List<Tensor> weights = new ArrayList<>();
    List<Tensor> best = new ArrayList<>();
    List<Tensor> state = new ArrayList<>();
    LoopState loop;
    try {
      Safetensors.Contents c = Safetensors.read(file);
      if (!configHash.equals(c.metadata().get("configHash")) || c.metadata().get("loop") == null) {
        return null;
      }
      loop = JSON.readValue(c.metadata().get("loop"), LoopState.class);
      for (Tensor t : c.tensors()) {
        if (t.name().startsWith(MODEL)) {
          weights.add(new Tensor(t.name().substring(MODEL.length()), t.shape(), t.data()));
        } else if (t.name().startsWith(BEST)) {
          best.add(new Tensor(t.name().substring(BEST.length()), t.shape(), t.data()));
        } else {
          state.add(t);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null; // unreadable state is not worth failing the cell for: it starts afresh
    }
    try {
      model.importWeights(weights);
      model.importTrainingState(state);
    } catch (RuntimeException e) {
      throw new IllegalStateException(file + ": cannot restore the training state (" + e.getMessage() + "); delete it to start the cell afresh", e);
    }
    return new Restored(loop, best.isEmpty() ? null : best);
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path file() {
    return file;
  }
}
