package org.brainbench.tasks.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the label values of a brain tumour segmentation mean, and the three nested regions the BraTS
 * challenge scores (whole tumour WT, tumour core TC, enhancing tumour ET) as unions of them.
 *
 * <ul>
 *   <li>{@code brats2021} (BraTS 2017-2021): 1 necrotic and non-enhancing tumour core, 2 peritumoral
 *       oedema, 4 GD-enhancing tumour; WT {1, 2, 4}, TC {1, 4}, ET {4}.
 *   <li>{@code brats2023} (BraTS 2023 and later, every challenge prefix): 1 non-enhancing tumour
 *       core, 2 surrounding FLAIR hyperintensity, 3 enhancing tumour; WT {1, 2, 3}, TC {1, 3}, ET {3}.
 *   <li>{@code msd} (Medical Segmentation Decathlon, Task01_BrainTumour): 1 oedema, 2 non-enhancing
 *       tumour, 3 enhancing tumour; WT {1, 2, 3}, TC {2, 3}, ET {3}.
 * </ul>
 */
public enum LabelConvention {
  BRATS2021(labels(1, "necrotic and non-enhancing tumour core", 2, "peritumoral oedema", 4, "enhancing tumour"), Set.of(1, 2, 4), Set.of(1, 4), Set.of(4)),
  BRATS2023(labels(1, "non-enhancing tumour core", 2, "surrounding FLAIR hyperintensity", 3, "enhancing tumour"), Set.of(1, 2, 3), Set.of(1, 3), Set.of(3)),
  MSD(labels(1, "oedema", 2, "non-enhancing tumour", 3, "enhancing tumour"), Set.of(1, 2, 3), Set.of(2, 3), Set.of(3));

  /** One scored region: a name ({@code WT}) and the label values it unites. */
  public record Region(String id, Set<Integer> labels) {
    public Region {
      labels = Set.copyOf(labels);
    }

    /** Voxels whose value rounds to one of the region's labels (resampled maps are near, not at, integers). */
    public boolean[] mask(float[] labelMap) {
      boolean[] out = new boolean[labelMap.length];
      for (int i = 0; i < labelMap.length; i++) {
        out[i] = labels.contains(Math.round(labelMap[i]));
      }
      return out;
    }
  }

  private final Map<Integer, String> labels;
  private final List<Region> regions;

  LabelConvention(Map<Integer, String> labels, Set<Integer> wholeTumour, Set<Integer> tumourCore, Set<Integer> enhancing) {
    this.labels = labels;
    this.regions = List.of(new Region("WT", wholeTumour), new Region("TC", tumourCore), new Region("ET", enhancing));
  }

  /** {@code brats2021}, {@code brats2023}, {@code msd}: how suites, rows and the command line name it. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The non-zero label values, ascending, with what each marks. */
  public Map<Integer, String> labels() {
    return labels;
  }

  /** WT, TC and ET, in that order. */
  public List<Region> regions() {
    return regions;
  }

  /** The convention of this id, or null. */
  public static LabelConvention fromId(String id) {
    for (LabelConvention c : values()) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    return null;
  }

  private static Map<Integer, String> labels(int a, String na, int b, String nb, int c, String nc) {
    Map<Integer, String> m = new LinkedHashMap<>();
    m.put(a, na);
    m.put(b, nb);
    m.put(c, nc);
    return java.util.Collections.unmodifiableMap(m);
  }
}
