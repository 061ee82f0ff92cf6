package org.brainbench.harness.suite;

import org.brainbench.api.model.FineTune;
import org.brainbench.api.model.ModelSpec;

/**
 * A model of a suite: an id from the catalog, built with the suite's parameters, under a name
 * (the id unless the suite runs one id with several settings).
 *
 * @param initStage the pre-training stage whose weights initialise the model, or null (from
 *     scratch, or from a weights file named in the model's parameters)
 * @param fineTune which parameters train
 */
public record ModelEntry(String name, String id, ModelSpec spec, TrainingPatch training, String initStage, FineTune fineTune) {}
