package org.brainbench.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.brainbench.api.weights.Tensor;
import org.junit.jupiter.api.Test;

/** The slice-set network's ResNet encoder: counts, suite values and torchvision's ImageNet weights. */
class SliceCnnGupta2021SpecTest {
  private static final int[] THEIR_GRID = {91, 109, 91};

  /** Their ResNetEncoder at 91x109x91 (sagittal, mean, position encoding): 11,203,841 (counted from their classes). */
  @Test
  void countsTheAuthorsResNetModel() {
    var spec = SliceCnnGupta2021Spec.resnet18(View.SAGITTAL, 64, 32, 1, SliceSetAggregation.MEAN, true, 62.68);
    assertThat(spec.parameterCount(TaskHead.regress(1, THEIR_GRID))).isEqualTo(11_203_841L);
    var noPositions = SliceCnnGupta2021Spec.resnet18(View.SAGITTAL, 64, 32, 1, SliceSetAggregation.MEAN, false, 62.68);
    assertThat(noPositions.parameterCount(TaskHead.regress(1, THEIR_GRID))).isEqualTo(11_195_105L);
  }

  @Test
  void suitesChooseTheEncoderByTheAuthorsName() {
    var entry = ModelCatalog.find("slice-cnn", "gupta2021");
    var spec = (SliceCnnGupta2021Spec) entry.build(Map.of("encoder", "resnet18", "resnetWidth", 8));
    assertThat(spec.resnet()).isTrue();
    assertThat(spec.sliceFeatures()).isEqualTo(spec.width());
    assertThat(((SliceCnnGupta2021Spec) entry.defaults()).encoder()).isEqualTo(SliceSetEncoder.ENCODER1);
    assertThatThrownBy(() -> entry.build(Map.of("encoder", "resnet50"))).hasMessageContaining("encoder must be one of [encoder1, resnet18]");
    assertThatThrownBy(() -> entry.build(Map.of("imagenetWeights", "in.safetensors"))).hasMessageContaining("imagenetWeights needs encoder resnet18");
    assertThatThrownBy(() -> entry.build(Map.of("encoder", "resnet18", "imagenetWeights", "a.safetensors", "weights", "b.safetensors")))
        .hasMessageContaining("not both");
  }

  /**
   * torchvision's names go under their prefix and fc is dropped; for one-channel scans conv1 keeps
   * its RGB kernel, because their model repeats the slice to RGB (which equals summing the kernel).
   */
  @Test
  void mapsTorchvisionImageNetWeightsUnderTheirNames() {
    var spec = new SliceCnnGupta2021Spec(View.SAGITTAL, SliceSetEncoder.RESNET18, List.of(32), 64, 2, 4, 1, SliceSetAggregation.MEAN, false, 0.5, 0, "",
        "resnet18.safetensors");
    assertThat(spec.weightsFile().convention()).isEqualTo("torchvision");
    float[] kernel = new float[2 * 3 * 49];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = i;
    }
    List<Tensor> torchvision = new ArrayList<>(List.of(new Tensor("conv1.weight", new long[] {2, 3, 7, 7}, kernel),
        new Tensor("bn1.running_mean", new long[] {2}, new float[] {1, 2}), new Tensor("fc.weight", new long[] {1000, 16}, new float[16000]),
        new Tensor("fc.bias", new long[] {1000}, new float[1000])));
    List<Tensor> mapped = spec.convertWeights(torchvision, TaskHead.regress(1, new int[] {16, 16, 16}), 1);
    assertThat(mapped).extracting(Tensor::name).containsExactly("encoder_2d.encoder_2d.conv1.weight", "encoder_2d.encoder_2d.bn1.running_mean");
    assertThat(mapped.get(0).shape()).containsExactly(2, 3, 7, 7);
    assertThat(mapped.get(0).data()).containsExactly(kernel);
    assertThat(spec.weightsCover("encoder_2d.encoder_2d.layer1.0.conv1.weight")).isTrue();
    assertThat(spec.weightsCover("encoder_2d.post_proc.0.weight")).isFalse();
  }
}
