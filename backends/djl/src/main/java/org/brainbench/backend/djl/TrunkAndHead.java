package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** A trunk that ends in the embedding (B, F), followed by the task head: a sequential network whose embedding can be read. */
final class TrunkAndHead extends AbstractBlock implements Embeds {
  private final Block trunk;
  private final Block head;

  TrunkAndHead(Block trunk, Block head) {
    this.trunk = addChildBlock("trunk", trunk);
    this.head = addChildBlock("head", head);
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return head.forward(ps, trunk.forward(ps, inputs, training), training);
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    return trunk.forward(ps, new NDList(x), false).singletonOrThrow();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    trunk.initialize(manager, dataType, inputShapes);
    head.initialize(manager, dataType, trunk.getOutputShapes(inputShapes));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(trunk.getOutputShapes(inputShapes));
  }
}
