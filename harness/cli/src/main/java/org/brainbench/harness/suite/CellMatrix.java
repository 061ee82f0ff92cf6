package org.brainbench.harness.suite;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.tasks.preprocess.PreprocessSpec;

/**
 * Expands a suite into its cells, in a fixed order (task, model, backend, seed, fold, label
 * fraction), leaving out excluded ones and resolving each cell's training settings: suite, then
 * task, then model, then every matching override in order.
 */
public final class CellMatrix {
  private CellMatrix() {}

  /** All cells of the suite; problems with combined training settings go to {@code problems}. */
  public static List<Cell> expand(Suite suite, List<String> problems) {
    List<Cell> out = new ArrayList<>();
    for (TaskEntry task : suite.tasks()) {
      List<Integer> folds = new ArrayList<>();
      for (int f = 0; f < task.split().folds(); f++) {
        if (suite.folds() == null || suite.folds().contains(f)) {
          folds.add(f);
        }
      }
      for (ModelEntry model : suite.models()) {
        for (String backend : suite.backends()) {
          for (long seed : suite.seeds()) {
            for (int fold : folds) {
              for (double fraction : suite.labelFractions()) {
                Cell probe = new Cell(task, model, backend, seed, fold, fraction, null);
                if (suite.exclusions().stream().anyMatch(r -> r.matches(probe))) {
                  continue;
                }
                TrainingPatch patch = suite.training().then(task.training()).then(model.training());
                for (Rule r : suite.overrides()) {
                  if (r.matches(probe)) {
                    patch = patch.then(r.training());
                  }
                }
                TrainingConfig config;
                try {
                  config = TrainingSettings.build(patch);
                } catch (IllegalArgumentException e) {
                  String problem = "training of " + probe.id() + ": " + e.getMessage();
                  if (!problems.contains(problem)) {
                    problems.add(problem);
                  }
                  continue;
                }
                out.add(new Cell(task, model, backend, seed, fold, fraction, config));
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** Cells whose id matches a glob ({@code *} within one part of the id, {@code **} across parts). */
  public static List<Cell> only(List<Cell> cells, String glob) {
    if (glob == null) {
      return cells;
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    return cells.stream().filter(c -> m.matches(Path.of(c.id()))).toList();
  }

  /**
   * The head a task gives a model: input channels (1 until the data says otherwise), the
   * preprocessed grid as depth-height-width (z, y, x), and the outputs.
   *
   * @param channels the dataset's channels, or null when not known yet
   */
  public static TaskHead head(TaskEntry task, ModelEntry model, Integer channels) {
    PreprocessSpec p = task.preprocess();
    int[] xyz = p.cropPad() != null ? p.cropPad() : p.shape() != null ? p.shape() : new int[] {64, 64, 64};
    int[] dhw = {xyz[2], xyz[1], xyz[0]};
    int c = channels == null ? 1 : channels;
    return switch (task.type()) {
      case CLASSIFY -> TaskHead.classify(c, dhw, task.classes().size());
      case REGRESS -> TaskHead.regress(c, dhw);
      case SEGMENT -> TaskHead.segment(c, dhw, task.labels().size() + 1);
      case PRETRAIN -> TaskHead.pretrain(c, dhw);
    };
  }

  /** The pre-training head of a stage (1 channel until the data says otherwise). */
  public static TaskHead pretrainHead(Stage stage) {
    PreprocessSpec p = stage.task().preprocess();
    int[] xyz = p.cropPad() != null ? p.cropPad() : p.shape() != null ? p.shape() : new int[] {64, 64, 64};
    return TaskHead.pretrain(1, new int[] {xyz[2], xyz[1], xyz[0]}, stage.objective());
  }

  /**
   * The cell of a stage for a backend and seed: {@code <stage>/<model>/<backend>/s<seed>/f0/p1}. Its
   * model entry starts from the stage's own {@code init} (not from the one the model's cells use).
   */
  public static Cell stageCell(Stage stage, String backend, long seed, TrainingPatch suiteTraining) {
    TrainingPatch patch = suiteTraining.then(stage.model().training()).then(stage.task().training());
    ModelEntry m = stage.model();
    ModelEntry model = new ModelEntry(m.name(), m.id(), m.spec(), m.training(), stage.initStage(), m.fineTune());
    return new Cell(stage.task(), model, backend, seed, 0, 1.0, TrainingSettings.build(patch));
  }

  /** Whether the task's preprocessing fixes the grid size before any data is read. */
  public static boolean fixedGrid(TaskEntry task) {
    return task.preprocess().cropPad() != null || task.preprocess().shape() != null;
  }
}
