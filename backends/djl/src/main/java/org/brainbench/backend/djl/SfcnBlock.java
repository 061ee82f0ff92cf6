package org.brainbench.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.api.model.Cnn3dPeng2021Spec;
import org.brainbench.api.model.TaskHead;

/**
 * SFCN as its authors released it ({@link Cnn3dPeng2021Spec}), under their state-dict names
 * ({@code feature_extractor.conv_i.0} convolution, {@code .1} batch norm, {@code classifier.conv_6}):
 * outputs (B, K) logits, one per class or per age bin (the soft-bin regression is the model's
 * ({@code DjlModel}, {@code TaskLoss}) business).
 */
public final class SfcnBlock extends AbstractBlock implements Embeds {
  /** Registers this model with the DJL backend. */
  public static final class Builder implements DjlModelBuilder<Cnn3dPeng2021Spec> {
    @Override
    public Class<Cnn3dPeng2021Spec> specType() {
      return Cnn3dPeng2021Spec.class;
    }

    @Override
    public Block build(Cnn3dPeng2021Spec spec, TaskHead head, NamedParameters names) {
      return new SfcnBlock(spec, head, names);
    }
  }

  private final Cnn3dPeng2021Spec spec;
  private final List<ConvBlock> convs = new ArrayList<>();
  private final List<BatchNorm> norms = new ArrayList<>();
  private final ConvBlock classifier;
  private final int[] averagePool;
  private final int outputs;

  SfcnBlock(Cnn3dPeng2021Spec spec, TaskHead head, NamedParameters names) {
    this.spec = spec;
    List<Integer> c = spec.channels();
    for (int i = 0; i < c.size(); i++) {
      boolean last = i == c.size() - 1;
      ConvBlock conv = addChildBlock("conv" + i, ConvBlock.conv3d(c.get(i), last ? 1 : 3, 1, last ? 0 : 1, true));
      if (i == 0) {
        conv.readsInput();
      }
      BatchNorm bn = addChildBlock("bn" + i, Layers.batchNorm());
      names.addWeights("feature_extractor.conv_" + i + ".0", conv, NamedParameters.Init.TORCH_DEFAULT);
      names.addBatchNorm("feature_extractor.conv_" + i + ".1", bn);
      convs.add(conv);
      norms.add(bn);
    }
    outputs = spec.classifierOutputs(head);
    classifier = addChildBlock("classifier", ConvBlock.conv3d(outputs, 1, 1, 0, true));
    names.addWeights("classifier.conv_6", classifier, NamedParameters.Init.TORCH_DEFAULT);
    averagePool = spec.averagePool(head.inputShape());
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = features(ps, inputs.singletonOrThrow(), training);
    x = Dropout.dropout(x, (float) spec.dropout(), training).singletonOrThrow();
    NDArray logits = classifier.forward(ps, new NDList(x), training).singletonOrThrow();
    return new NDList(logits.reshape(logits.getShape().get(0), outputs));
  }

  /** The pooled features the classifier reads (B, C, 1, 1, 1). */
  private NDArray features(ParameterStore ps, NDArray x, boolean training) {
    for (int i = 0; i < convs.size(); i++) {
      x = convs.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      x = norms.get(i).forward(ps, new NDList(x), training).singletonOrThrow();
      if (i < convs.size() - 1) {
        x = Pool.maxPool3d(x, new Shape(2, 2, 2), new Shape(2, 2, 2), new Shape(0, 0, 0), false);
      }
      x = Activation.relu(x);
    }
    Shape k = new Shape(averagePool[0], averagePool[1], averagePool[2]);
    return Pool.avgPool3d(x, k, k, new Shape(0, 0, 0), false, true);
  }

  @Override
  public NDArray embedding(ParameterStore ps, NDArray x) {
    NDArray f = features(ps, x, false);
    return f.reshape(f.getShape().get(0), -1);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    long n = s.get(0);
    long channels = s.get(1);
    long[] size = {s.get(2), s.get(3), s.get(4)};
    for (int i = 0; i < convs.size(); i++) {
      convs.get(i).initialize(manager, dataType, new Shape(n, channels, size[0], size[1], size[2]));
      channels = spec.channels().get(i);
      norms.get(i).initialize(manager, dataType, new Shape(n, channels, size[0], size[1], size[2]));
      if (i < convs.size() - 1) {
        for (int a = 0; a < 3; a++) {
          size[a] /= 2;
        }
      }
    }
    classifier.initialize(manager, dataType, new Shape(n, channels, 1, 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outputs)};
  }
}
