package org.brainbench.backend.djl;

import ai.djl.nn.Block;
import org.brainbench.api.backend.SpecBuilder;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.TaskHead;

/**
 * Builds one spec type's DJL block, registering every parameter under its neutral name. Listed in
 * {@code META-INF/services/org.brainbench.backend.djl.DjlModelBuilder}; {@link DjlBackend} finds the
 * builder by the spec's type.
 */
public interface DjlModelBuilder<S extends ModelSpec> extends SpecBuilder<S> {
  Block build(S spec, TaskHead head, NamedParameters names);

  /** Casts and builds: the spec is of this builder's type (the registry looked it up by that type). */
  default Block buildAny(ModelSpec spec, TaskHead head, NamedParameters names) {
    return build(specType().cast(spec), head, names);
  }
}
