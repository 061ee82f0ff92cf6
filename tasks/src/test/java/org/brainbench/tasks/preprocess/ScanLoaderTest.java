package org.brainbench.tasks.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Affine;
import org.brainbench.tasks.volume.Grid;
import org.brainbench.tasks.volume.Orientation;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanLoaderTest {
  /** LPS at 2 mm: reoriented, then resampled to 6x6x6 and padded to 8x8x6, then clipped and z-scored. */
  private static final PreprocessSpec SPEC =
      new PreprocessSpec(true, null, new int[] {6, 6, 6}, new int[] {8, 8, 6}, new double[] {0.5, 99.5}, Normalization.ZSCORE);
  private static final Grid GRID = new Grid(4, 4, 4, Affine.of(new double[] {-2, 0, 0, 0, -2, 0, 0, 0, 2}, new double[] {6, 6, -3}));

  @TempDir Path dir;

  private Path t1;
  private Path flair;
  private Path seg;
  private Scan scan;

  private static Volume image(float scale) {
    float[] data = new float[GRID.voxelCount()];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 5 == 0 ? 0 : scale * (1 + i);
    }
    return Volume.of(GRID, data);
  }

  @BeforeEach
  void writeScan() throws IOException {
    t1 = dir.resolve("s01_t1.nii.gz");
    flair = dir.resolve("s01_flair.nii.gz");
    seg = dir.resolve("s01_seg.nii.gz");
    NiftiVolumes.write(t1, image(1), NiftiWriter.Options.float32());
    NiftiVolumes.write(flair, image(3), NiftiWriter.Options.float32());
    float[] labels = new float[GRID.voxelCount()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = new float[] {0, 1, 2, 4}[(i / 7) % 4];
    }
    NiftiVolumes.write(seg, Volume.of(GRID, labels), NiftiWriter.Options.labels());
    scan = new Scan("s01", null, List.of(t1, flair), seg, null, null, Map.of(), "manifest.csv:2");
  }

  private static Set<Float> values(Volume v) {
    Set<Float> out = new TreeSet<>();
    for (float[] ch : v.channels()) {
      for (float x : ch) {
        out.add(x);
      }
    }
    return out;
  }

  @Test
  void withoutACacheItPreprocessesEveryChannelAndTheMaskOntoOneGrid() throws IOException {
    ScanLoader loader = new ScanLoader(SPEC, null);

    Volume image = loader.image(scan);
    Volume mask = loader.mask(scan);

    assertThat(loader.spec()).isEqualTo(SPEC);
    assertThat(image.channelCount()).isEqualTo(2);
    assertThat(image.shape()).containsExactly(8, 8, 6);
    assertThat(Orientation.of(image.affine()).isCanonical()).isTrue();
    assertThat(mask.grid()).isEqualTo(image.grid());
    assertThat(values(mask)).isSubsetOf(0f, 1f, 2f, 4f);
    Volume expected = Preprocessor.image(Volume.stack(NiftiVolumes.read(t1), NiftiVolumes.read(flair)), SPEC);
    assertThat(image).isEqualTo(expected);
    assertThat(mask).isEqualTo(Preprocessor.labels(NiftiVolumes.read(seg), SPEC));
  }

  @Test
  void withACacheItGivesTheSameVolumesAndReadsThemBackOnTheSecondCall() throws IOException {
    Volume plainImage = new ScanLoader(SPEC, null).image(scan);
    Volume plainMask = new ScanLoader(SPEC, null).mask(scan);
    PreprocessCache cache = new PreprocessCache(dir.resolve("cache"));
    ScanLoader loader = new ScanLoader(SPEC, cache);

    Volume image1 = loader.image(scan);
    Volume mask1 = loader.mask(scan);
    Volume image2 = loader.image(scan);
    Volume mask2 = loader.mask(scan);

    assertThat(image1).isEqualTo(plainImage);
    assertThat(image2).isEqualTo(plainImage);
    assertThat(mask1).isEqualTo(plainMask);
    assertThat(mask2).isEqualTo(plainMask);
    assertThat(cache.misses()).isEqualTo(2);
    assertThat(cache.hits()).isEqualTo(2);
    try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(
          PreprocessCache.key(List.of(t1, flair), PreprocessCache.Kind.IMAGE, SPEC) + ".bbv",
          PreprocessCache.key(List.of(seg), PreprocessCache.Kind.LABELS, SPEC) + ".bbv");
    }
  }

  @Test
  void aRewrittenSourceFileIsPreprocessedAgain() throws IOException {
    PreprocessCache cache = new PreprocessCache(dir.resolve("cache"));
    ScanLoader loader = new ScanLoader(SPEC, cache);
    Volume before = loader.image(scan);
    FileTime old = Files.getLastModifiedTime(flair);

    NiftiVolumes.write(flair, image(-2), NiftiWriter.Options.float32());
    Files.setLastModifiedTime(flair, FileTime.fromMillis(old.toMillis() + 2_000));
    Volume after = loader.image(scan);

    assertThat(cache.misses()).isEqualTo(2);
    assertThat(after.channel(0)).containsExactly(before.channel(0));
    assertThat(after.channel(1)).isNotEqualTo(before.channel(1));
    assertThat(after).isEqualTo(new ScanLoader(SPEC, null).image(scan));
  }

  @Test
  void anotherSpecDoesNotReuseEntries() throws IOException {
    PreprocessCache cache = new PreprocessCache(dir.resolve("cache"));
    new ScanLoader(SPEC, cache).image(scan);

    Volume other = new ScanLoader(PreprocessSpec.toShape(4, 4, 4), cache).image(scan);

    assertThat(cache.misses()).isEqualTo(2);
    assertThat(other.shape()).containsExactly(4, 4, 4);
  }

  @Test
  void aScanWithoutAMaskHasNoMask() {
    Scan noMask = new Scan("s02", "ses-1", List.of(t1), null, "AD", null, Map.of(), "manifest.csv:3");

    for (ScanLoader loader : List.of(new ScanLoader(SPEC, null), new ScanLoader(SPEC, new PreprocessCache(dir.resolve("c"))))) {
      assertThatThrownBy(() -> loader.mask(noMask)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s02_ses-1");
    }
  }

  @Test
  void aMissingFileIsAnErrorWithOrWithoutACache() {
    Scan missing = new Scan("s03", null, List.of(dir.resolve("gone.nii.gz")), null, null, null, Map.of(), "manifest.csv:4");

    assertThatThrownBy(() -> new ScanLoader(SPEC, null).image(missing)).isInstanceOf(IOException.class).hasMessageContaining("gone.nii.gz");
    assertThatThrownBy(() -> new ScanLoader(SPEC, new PreprocessCache(dir.resolve("c"))).image(missing))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("gone.nii.gz");
  }

  @Test
  void channelsOnDifferentGridsCannotBeStacked() throws IOException {
    Path shifted = dir.resolve("s01_t2.nii.gz");
    NiftiVolumes.write(shifted, Volume.of(new Grid(4, 4, 4, Affine.diagonal(1, 1, 1)), image(1).channel(0)), NiftiWriter.Options.float32());
    Scan bad = new Scan("s01", null, List.of(t1, shifted), null, null, null, Map.of(), "manifest.csv:2");

    assertThatThrownBy(() -> new ScanLoader(SPEC, null).image(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different grids");
  }
}
