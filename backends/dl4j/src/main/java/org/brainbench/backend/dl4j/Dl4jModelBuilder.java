package org.brainbench.backend.dl4j;

import org.brainbench.api.backend.SpecBuilder;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;

/**
 * Builds one spec type's SameDiff graph definition. Listed in {@code
 * META-INF/services/org.brainbench.backend.dl4j.Dl4jModelBuilder}; {@link Dl4jBackend} finds the
 * builder by the spec's type.
 */
public interface Dl4jModelBuilder<S extends ModelSpec> extends SpecBuilder<S> {
  ModelGraph build(S spec, TaskHead head);

  /** Casts and builds: the spec is of this builder's type (the registry looked it up by that type). */
  default ModelGraph buildAny(ModelSpec spec, TaskHead head) {
    return build(specType().cast(spec), head);
  }
}
