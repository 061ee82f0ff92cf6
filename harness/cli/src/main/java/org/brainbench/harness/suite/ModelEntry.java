package org.brainbench.harness.suite;

import org.brainbench.api.model.ModelSpec;

/**
 * A model of a suite: an id from the catalog, built with the suite's parameters, under a name
 * (the id unless the suite runs one id with several settings).
 */
public record ModelEntry(String name, String id, ModelSpec spec, TrainingPatch training) {}
