package org.brainbench.harness.suite;

/**
 * A self-supervised pre-training stage: a model entry trained with its own objective on an
 * unlabelled dataset, once per seed and backend, before the cells whose model says {@code init:
 * pretrained:<stage>}. Its task entry (type pretrain) carries the dataset, preprocessing, a
 * validation split and the training settings.
 */
public record Stage(String name, ModelEntry model, TaskEntry task) {}
