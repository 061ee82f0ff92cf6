package org.brainbench.harness.suite;

import org.brainbench.api.model.Objective;

/**
 * A self-supervised pre-training stage: a model entry trained with one of its objectives on an
 * unlabelled dataset, once per seed and backend, before the cells (or later stages) that say
 * {@code init: pretrained:<stage>}. Its task entry (type pretrain) carries the dataset,
 * preprocessing, a validation split and the training settings.
 *
 * @param objective what the stage trains (the model's default objective unless the suite names one)
 * @param initStage the stage whose weights this one starts from, or null (from scratch); the
 *     model entry's own {@code init} is for its cells, not for its stages
 * @param seed null: the stage runs once per seed of the cells that start from it; otherwise once,
 *     with this seed, and every seed's cells start from it (pre-train once, fine-tune many times)
 */
public record Stage(String name, ModelEntry model, TaskEntry task, Objective objective, String initStage, Long seed) {
  /** The seed the stage runs with for a cell of this seed. */
  public long seedFor(long cellSeed) {
    return seed == null ? cellSeed : seed;
  }

  /** The record's text, without {@code seed} when it has none: configuration hashes stay what they were. */
  @Override
  public String toString() {
    return "Stage[name=" + name + ", model=" + model + ", task=" + task + ", objective=" + objective + ", initStage=" + initStage
        + (seed == null ? "" : ", seed=" + seed) + "]";
  }
}
