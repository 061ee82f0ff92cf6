package org.brainbench.api.backend;

import org.brainbench.api.model.ModelSpec;

/**
 * What a backend registers per model: the spec type it builds. Each backend extends this with its
 * own build method and lists its builders in {@code META-INF/services/<its builder interface>};
 * {@link SpecBuilders} finds them, so a backend needs no list of models and no type switch.
 */
public interface SpecBuilder<S extends ModelSpec> {
  Class<S> specType();
}
