package org.brainbench.backend.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** A learned tensor (token, position or view embeddings): forward returns it, whatever the input. */
final class ParamBlock extends AbstractBlock {
  private final Parameter value;
  private final Shape shape;

  ParamBlock(String name, Shape shape, Initializer init) {
    this.shape = shape;
    value = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape).optInitializer(init).build());
  }

  Parameter parameter() {
    return value;
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return new NDList(ps.getValue(value, inputs.head().getDevice(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {shape};
  }
}
