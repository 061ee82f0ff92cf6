package org.brainbench.api.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every model brainbench knows: its id, what it is, its hyperparameters with defaults, and how to
 * build its spec from a suite's values. The suite reader checks names and types against the
 * definitions; the spec's own constructor checks ranges.
 */
public final class ModelCatalog {
  /** One model. */
  public record Entry(String id, String description, List<ParamDef> params, Function<Map<String, Object>, ModelSpec> factory) {
    /** Builds the spec from the given values, defaults filling the rest. */
    @SuppressWarnings("unchecked")
    public ModelSpec build(Map<String, Object> values) {
      Map<String, Object> all = new LinkedHashMap<>();
      for (ParamDef p : params) {
        all.put(p.name(), values.getOrDefault(p.name(), p.defaultValue()));
      }
      return factory.apply(all);
    }

    public ParamDef param(String name) {
      return params.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
  }

  private static final List<Entry> ENTRIES = List.of(medicalTransformer(), cnn3d(), sliceCnn(), inflatedVit());

  private ModelCatalog() {}

  public static List<Entry> entries() {
    return ENTRIES;
  }

  /** The entry with this id, or null. */
  public static Entry find(String id) {
    return ENTRIES.stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }

  public static List<String> ids() {
    List<String> out = new ArrayList<>();
    ENTRIES.forEach(e -> out.add(e.id()));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Entry medicalTransformer() {
    MedicalTransformerSpec d = MedicalTransformerSpec.defaults();
    return new Entry(MedicalTransformerSpec.ID,
        "Medical Transformer: shared 2D slice CNN over 3 views + Transformer; masked encoding vector pre-training",
        List.of(
            new ParamDef("views", ParamDef.Type.STRING_LIST, d.views(), "views whose slices are embedded: sagittal, coronal, axial"),
            new ParamDef("encoder", ParamDef.Type.STRING, d.encoder(), "slice encoder: cnn or resnet18 (ResNet-18-shaped, base width encoderChannels[0])"),
            new ParamDef("encoderChannels", ParamDef.Type.INT_LIST, d.encoderChannels(), "slice CNN channels per level (cnn)"),
            new ParamDef("embedDim", ParamDef.Type.INT, d.embedDim(), "token width"),
            new ParamDef("depth", ParamDef.Type.INT, d.depth(), "Transformer blocks"),
            new ParamDef("heads", ParamDef.Type.INT, d.heads(), "attention heads"),
            new ParamDef("mlpRatio", ParamDef.Type.DOUBLE, d.mlpRatio(), "MLP width / token width"),
            new ParamDef("dropout", ParamDef.Type.DOUBLE, d.dropout(), "dropout in the Transformer"),
            new ParamDef("maskRatio", ParamDef.Type.DOUBLE, d.maskRatio(), "share of slice embeddings hidden in pre-training"),
            new ParamDef("emaMomentum", ParamDef.Type.DOUBLE, d.emaMomentum(), "momentum of the target encoder in pre-training"),
            new ParamDef("collapseGuard", ParamDef.Type.BOOLEAN, d.collapseGuard(),
                "pre-training targets from the momentum encoder, normalised (false: the collapse-prone ablation)")),
        v -> new MedicalTransformerSpec((List<String>) v.get("views"), (String) v.get("encoder"), (List<Integer>) v.get("encoderChannels"),
            ((Number) v.get("embedDim")).intValue(), ((Number) v.get("depth")).intValue(), ((Number) v.get("heads")).intValue(),
            ((Number) v.get("mlpRatio")).doubleValue(), ((Number) v.get("dropout")).doubleValue(),
            ((Number) v.get("maskRatio")).doubleValue(), ((Number) v.get("emaMomentum")).doubleValue(), (Boolean) v.get("collapseGuard")));
  }

  @SuppressWarnings("unchecked")
  private static Entry sliceCnn() {
    SliceCnnSpec d = SliceCnnSpec.defaults();
    return new Entry(SliceCnnSpec.ID, "2D-slice CNN (Gupta et al.): shared 2D encoder over one view's slices, permutation-invariant aggregation",
        List.of(
            new ParamDef("view", ParamDef.Type.STRING, d.view(), "the view whose slices are encoded: sagittal, coronal, axial"),
            new ParamDef("encoder", ParamDef.Type.STRING, d.encoder(), "cnn (conv, instance norm, pool, ReLU blocks) or resnet18"),
            new ParamDef("channels", ParamDef.Type.INT_LIST, d.channels(), "cnn channels per block"),
            new ParamDef("embedding", ParamDef.Type.INT, d.embedding(), "slice embedding width (1x1 convolution)"),
            new ParamDef("aggregation", ParamDef.Type.STRING, d.aggregation(), "mean, max or attention over slices"),
            new ParamDef("positionEmbedding", ParamDef.Type.BOOLEAN, d.positionEmbedding(), "add learned slice-position embeddings"),
            new ParamDef("imagenetWeights", ParamDef.Type.STRING, d.imagenetWeights(), "resnet18: safetensors file with torchvision names")),
        v -> new SliceCnnSpec((String) v.get("view"), (String) v.get("encoder"), (List<Integer>) v.get("channels"),
            ((Number) v.get("embedding")).intValue(), (String) v.get("aggregation"), (Boolean) v.get("positionEmbedding"),
            (String) v.get("imagenetWeights")));
  }

  private static Entry inflatedVit() {
    InflatedVitSpec d = InflatedVitSpec.defaults();
    return new Entry(InflatedVitSpec.ID, "ViT with a 3D patch embedding, inflated from 2D ViT weights; UNETR-style decoder for segmentation",
        List.of(
            new ParamDef("patch", ParamDef.Type.INT, d.patch(), "patch size (voxels per side, a power of two)"),
            new ParamDef("dim", ParamDef.Type.INT, d.dim(), "token width"),
            new ParamDef("depth", ParamDef.Type.INT, d.depth(), "Transformer blocks"),
            new ParamDef("heads", ParamDef.Type.INT, d.heads(), "attention heads"),
            new ParamDef("mlpRatio", ParamDef.Type.DOUBLE, d.mlpRatio(), "MLP width / token width"),
            new ParamDef("dropout", ParamDef.Type.DOUBLE, d.dropout(), "dropout in the Transformer"),
            new ParamDef("inflation", ParamDef.Type.STRING, d.inflation(), "centering or averaging"),
            new ParamDef("weights", ParamDef.Type.STRING, d.weights(), "2D ViT safetensors with timm names to inflate"),
            new ParamDef("maskRatio", ParamDef.Type.DOUBLE, d.maskRatio(), "share of patches masked in the 2D SimMIM pre-training"),
            new ParamDef("decoderChannels", ParamDef.Type.INT, d.decoderChannels(), "UNETR decoder channels at full resolution")),
        v -> new InflatedVitSpec(((Number) v.get("patch")).intValue(), ((Number) v.get("dim")).intValue(),
            ((Number) v.get("depth")).intValue(), ((Number) v.get("heads")).intValue(), ((Number) v.get("mlpRatio")).doubleValue(),
            ((Number) v.get("dropout")).doubleValue(), (String) v.get("inflation"), (String) v.get("weights"),
            ((Number) v.get("maskRatio")).doubleValue(), ((Number) v.get("decoderChannels")).intValue()));
  }

  @SuppressWarnings("unchecked")
  private static Entry cnn3d() {
    Cnn3dSpec d = Cnn3dSpec.defaults();
    return new Entry(Cnn3dSpec.ID, "3D CNN trained from scratch (SFCN-style; a 3D U-Net from the same blocks for segmentation)",
        List.of(
            new ParamDef("channels", ParamDef.Type.INT_LIST, d.channels(), "channels per conv block at full width (SFCN: 32,64,128,256,256,64)"),
            new ParamDef("widthFactor", ParamDef.Type.DOUBLE, d.widthFactor(), "multiplies every channel count, for small runs"),
            new ParamDef("dropout", ParamDef.Type.DOUBLE, d.dropout(), "dropout before the output layer (classify, regress)"),
            new ParamDef("segmentationLevels", ParamDef.Type.INT, d.segmentationLevels(), "U-Net encoder levels used for segmentation")),
        v -> new Cnn3dSpec((List<Integer>) v.get("channels"), ((Number) v.get("widthFactor")).doubleValue(),
            ((Number) v.get("dropout")).doubleValue(), ((Number) v.get("segmentationLevels")).intValue()));
  }
}
