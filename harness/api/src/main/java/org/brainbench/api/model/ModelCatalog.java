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

  private static final List<Entry> ENTRIES = List.of(cnn3d());

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
