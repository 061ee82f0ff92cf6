package org.brainbench.harness.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated suite: what to run (tasks x models x backends x seeds x folds x label fractions,
 * minus exclusions) and how.
 *
 * @param file the suite file (relative paths in it are relative to its folder)
 * @param stages pre-training stages, run before the cells whose models start from them
 * @param folds the folds to run, or null for every fold of each task's split
 * @param threads intra-op threads for the backends (0: all cores)
 * @param cacheFolder where preprocessed volumes (and the built-in data) are kept
 * @param tune the hyperparameter search every cell runs before training, or null for none
 */
public record Suite(
    Path file,
    String name,
    String description,
    BuiltinData builtin,
    Map<String, DatasetEntry> datasets,
    List<TaskEntry> tasks,
    List<ModelEntry> models,
    List<Stage> stages,
    TrainingPatch training,
    List<Rule> overrides,
    List<String> backends,
    List<Long> seeds,
    List<Integer> folds,
    List<Double> labelFractions,
    List<Rule> exclusions,
    int threads,
    Path cacheFolder,
    TuneSpec tune) {
  public Suite {
    datasets = Map.copyOf(datasets);
    tasks = List.copyOf(tasks);
    models = List.copyOf(models);
    stages = List.copyOf(stages);
    overrides = List.copyOf(overrides);
    backends = List.copyOf(backends);
    seeds = List.copyOf(seeds);
    folds = folds == null ? null : List.copyOf(folds);
    labelFractions = List.copyOf(labelFractions);
    exclusions = List.copyOf(exclusions);
  }

  /** This suite on other backends (run --backend). */
  public Suite withBackends(List<String> b) {
    return new Suite(file, name, description, builtin, datasets, tasks, models, stages, training, overrides, b, seeds, folds, labelFractions,
        exclusions, threads, cacheFolder, tune);
  }

  /** This suite with other seeds (run --seeds: a baseline with more seeds than the suite's). */
  public Suite withSeeds(List<Long> s) {
    return new Suite(file, name, description, builtin, datasets, tasks, models, stages, training, overrides, backends, s, folds, labelFractions,
        exclusions, threads, cacheFolder, tune);
  }

  public Stage stage(String name) {
    return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  public TaskEntry task(String name) {
    return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }
}
