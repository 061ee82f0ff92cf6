package org.brainbench.harness.result;

/** Parameters of the built model (total, trainable after freezing) and the spec's analytic count. */
public record ParamCounts(long total, long trainable, long spec) {}
