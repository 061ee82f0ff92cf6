package org.brainbench.backend.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The decoders' 2x upsampling is nearest-neighbour, forward and backward, in 2D and 3D. */
class LayersTest {
  @Test
  void upsamplingRepeatsEveryPixelOfASlice() {
    assertSameAsRepeating(new Shape(3, 2, 4, 5), x -> x.repeat(2, 2).repeat(3, 2));
  }

  @Test
  void upsamplingRepeatsEveryVoxelOfAVolume() {
    assertSameAsRepeating(new Shape(2, 3, 4, 3, 5), x -> x.repeat(2, 2).repeat(3, 2).repeat(4, 2));
  }

  private static void assertSameAsRepeating(Shape shape, UnaryOperator<NDArray> repeat) {
    try (NDManager m = NDManager.newBaseManager()) {
      long[] up = shape.getShape().clone();
      for (int i = 2; i < up.length; i++) {
        up[i] *= 2;
      }
      NDArray weights = m.randomNormal(new Shape(up)); // a loss that weighs every output differently
      float[][] results = new float[2][];
      float[][] gradients = new float[2][];
      for (int way = 0; way < 2; way++) {
        NDArray x = m.arange((float) shape.size()).reshape(shape);
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = way == 0 ? Layers.upsample2x(x) : repeat.apply(x);
          assertThat(y.getShape()).isEqualTo(weights.getShape());
          results[way] = y.toFloatArray();
          gc.backward(y.mul(weights).sum());
        }
        gradients[way] = x.getGradient().toFloatArray();
      }
      assertThat(results[0]).containsExactly(results[1]);
      assertThat(gradients[0]).containsExactly(gradients[1], within(1e-5f));
    }
  }
}
