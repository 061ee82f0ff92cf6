package org.brainbench.harness.suite;

/**
 * Which cells an {@code exclude} rule or an {@code overrides} entry applies to: every given field
 * must match (null matches anything).
 */
public record Rule(String task, String model, String backend, Long seed, Integer fold, Double labelFraction, TrainingPatch training) {
  public boolean matches(Cell cell) {
    return (task == null || task.equals(cell.task().name()))
        && (model == null || model.equals(cell.model().name()))
        && (backend == null || backend.equals(cell.backend()))
        && (seed == null || seed == cell.seed())
        && (fold == null || fold == cell.fold())
        && (labelFraction == null || labelFraction == cell.labelFraction());
  }
}
