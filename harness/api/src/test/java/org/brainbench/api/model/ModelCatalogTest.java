package org.brainbench.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue derives everything from the spec records; these are the promises it makes. */
class ModelCatalogTest {
  @Test
  void listsEveryPermittedSpecOnceWithItsId() {
    assertThat(ModelCatalog.ids()).containsExactly("medical-transformer", "cnn3d", "slice-cnn", "inflated-vit");
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      assertThat(e.defaults().id()).isEqualTo(e.id());
      assertThat(e.description()).isNotBlank();
      assertThat(e.params()).allSatisfy(p -> assertThat(p.description()).isNotBlank());
    }
  }

  @Test
  void defaultsAreTheAnnotatedValues() {
    assertThat(Cnn3dSpec.defaults()).isEqualTo(new Cnn3dSpec(Cnn3dSpec.PAPER_CHANNELS, 1.0, 0.5, 4));
    assertThat(SliceCnnSpec.defaults()).isEqualTo(new SliceCnnSpec(View.AXIAL, EncoderKind.CNN, List.of(32, 64, 128, 256, 256), 32, Aggregation.MEAN, false, ""));
    assertThat(MedicalTransformerSpec.defaults().views()).containsExactly(View.SAGITTAL, View.CORONAL, View.AXIAL);
    assertThat(InflatedVitSpec.defaults().inflation()).isEqualTo(PatchInflation.CENTERING);
  }

  /** Result provenance hashes the spec's text: choices print as the suite spells them. */
  @Test
  void specsPrintChoicesAsSuitesWriteThem() {
    assertThat(SliceCnnSpec.defaults().toString()).isEqualTo(
        "SliceCnnSpec[view=axial, encoder=cnn, channels=[32, 64, 128, 256, 256], embedding=32, aggregation=mean, positionEmbedding=false, imagenetWeights=]");
    assertThat(MedicalTransformerSpec.defaults().toString()).startsWith("MedicalTransformerSpec[views=[sagittal, coronal, axial], encoder=cnn,");
  }

  @Test
  void buildsFromSuiteValuesAndNamesWhatIsWrong() {
    ModelCatalog.Entry slice = ModelCatalog.find("slice-cnn");
    assertThat(slice.build(Map.of("aggregation", "attention", "view", "coronal", "channels", List.of(4, 8)))).isEqualTo(
        new SliceCnnSpec(View.CORONAL, EncoderKind.CNN, List.of(4, 8), 32, Aggregation.ATTENTION, false, ""));
    assertThatThrownBy(() -> slice.build(Map.of("aggregation", "median"))).hasMessage(
        "aggregation must be one of [mean, max, attention], got \"median\"");
    assertThatThrownBy(() -> ModelCatalog.find("cnn3d").build(Map.of("widthFactor", 0.0))).hasMessage("widthFactor must be in (0, 8], got 0.0");
    assertThatThrownBy(() -> ModelCatalog.find("cnn3d").build(Map.of("channels", List.of(4, 0)))).hasMessage("channels must be >= 1, got [4, 0]");
    assertThatThrownBy(() -> ModelCatalog.find("cnn3d").build(Map.of("channels", List.of(4)))).hasMessage(
        "channels must list at least 2 values, got [4]");
    assertThatThrownBy(() -> ModelCatalog.find("medical-transformer").build(Map.of("depth", 0))).hasMessage("depth must be >= 1, got 0");
    assertThatThrownBy(() -> ModelCatalog.find("cnn3d").build(Map.of("depth", 2))).hasMessageContaining("unknown parameter depth");
  }

  @Test
  void describesRangesAndChoicesFromTheAnnotations() {
    ParamDef width = ModelCatalog.find("cnn3d").param("widthFactor");
    assertThat(width.range()).isEqualTo("in (0, 8]");
    assertThat(width.defaultValue()).isEqualTo(1.0);
    ParamDef views = ModelCatalog.find("medical-transformer").param("views");
    assertThat(views.type()).isEqualTo(ParamDef.Type.STRING_LIST);
    assertThat(views.choices()).containsExactly("sagittal", "coronal", "axial");
    assertThat(views.defaultValue()).isEqualTo(List.of("sagittal", "coronal", "axial"));
    assertThat(ModelCatalog.find("slice-cnn").param("imagenetWeights").file()).isTrue();
  }

  /** The examples are what the backend contract and parity check: together they must use every value of every choice. */
  @Test
  void examplesCoverEveryChoiceOfEveryModel() {
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      assertThat(e.examples()).as(e.id()).isNotEmpty();
      for (ParamDef p : e.params()) {
        if (p.choices().isEmpty()) {
          continue;
        }
        Set<String> used = new HashSet<>();
        for (ModelSpec s : e.examples()) {
          Object v = ParamValues.of(s).get(p.name());
          if (v instanceof List<?> l) {
            l.forEach(x -> used.add(x.toString()));
          } else {
            used.add(v.toString());
          }
        }
        assertThat(used).as("%s.%s values used by the examples", e.id(), p.name()).containsAll(p.choices());
      }
    }
  }

  @Test
  void paperScaleCnnHasTheSfcnTrunksCount() {
    // SFCN [32,64,128,256,256,64], 1 input channel, 2 classes: convs without bias + BN scale/shift + linear
    long expected = (1 * 32 + 32 * 64 + 64 * 128 + 128 * 256 + 256 * 256) * 27L + 256 * 64 + 2 * (32 + 64 + 128 + 256 + 256 + 64) + 64 * 2 + 2;
    assertThat(Cnn3dSpec.defaults().parameterCount(TaskHead.classify(1, new int[] {160, 192, 160}, 2))).isEqualTo(expected);
  }
}
