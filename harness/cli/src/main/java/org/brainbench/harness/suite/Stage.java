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
 */
public record Stage(String name, ModelEntry model, TaskEntry task, Objective objective, String initStage) {}
