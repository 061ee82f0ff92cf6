package org.brainbench.tasks.dataset;

import java.util.List;
import java.util.Set;

/**
 * The nested evaluation regions of BraTS, built from the label map (1 necrotic core, 2 oedema, 4
 * enhancing tumour): whole tumour {1, 2, 4}, tumour core {1, 4}, enhancing tumour {4}.
 */
public enum BratsRegions {
  WHOLE_TUMOUR("WT", Set.of(1, 2, 4)),
  TUMOUR_CORE("TC", Set.of(1, 4)),
  ENHANCING_TUMOUR("ET", Set.of(4));

  public static final List<Integer> LABELS = List.of(1, 2, 4);

  private final String id;
  private final Set<Integer> labels;

  BratsRegions(String id, Set<Integer> labels) {
    this.id = id;
    this.labels = labels;
  }

  public String id() {
    return id;
  }

  public Set<Integer> labels() {
    return labels;
  }

  /** 1 where the label map's voxel belongs to this region, else 0. */
  public float[] mask(float[] labelMap) {
    float[] out = new float[labelMap.length];
    for (int i = 0; i < labelMap.length; i++) {
      out[i] = labels.contains(Math.round(labelMap[i])) ? 1f : 0f;
    }
    return out;
  }
}
