package org.brainbench.tasks.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.DatasetLoader;
import org.brainbench.tasks.dataset.DatasetSource;
import org.brainbench.tasks.dataset.DatasetValidator;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.volume.Interpolation;
import org.brainbench.tasks.volume.Resampler;
import org.brainbench.tasks.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in dataset at a tiny size: valid, deterministic, anatomically aligned, with signal. */
class SynthDatasetTest {
  static final List<TaskType> ALL = List.of(TaskType.CLASSIFY, TaskType.REGRESS, TaskType.SEGMENT, TaskType.PRETRAIN);

  @TempDir static Path root;
  static Path data;

  @BeforeAll
  static void generate() throws IOException {
    data = root.resolve("synth");
    SynthDatasetWriter.write(data, settings(2), n -> {});
  }

  static SynthSettings settings(int threads) {
    return new SynthSettings(new int[] {24, 28, 24}, null, 7, 16, ALL, 0.25, threads);
  }

  @Test
  void everyTaskLoadsAsAValidDataset() throws IOException {
    for (TaskType type : ALL) {
      DatasetValidator.Expectations expect = switch (type) {
        case CLASSIFY -> new DatasetValidator.Expectations(List.of("CN", "AD"), Set.of());
        case SEGMENT -> new DatasetValidator.Expectations(List.of(), Set.of(1, 2, 4));
        default -> DatasetValidator.Expectations.none();
      };
      Dataset d = DatasetLoader.load(DatasetSource.of(type.id(), data.resolve(type.id())), type, expect);
      assertThat(d.subjectIds()).hasSize(type == TaskType.PRETRAIN ? 32 : 16);
      assertThat(d.scans()).allSatisfy(s -> assertThat(s.covariates()).containsKeys("sex", "site"));
    }
  }

  @Test
  void sameSeedSameBytesWhateverTheThreadCount() throws IOException {
    Path again = root.resolve("again");
    SynthDatasetWriter.write(again, new SynthSettings(new int[] {24, 28, 24}, null, 7, 16, List.of(TaskType.SEGMENT, TaskType.CLASSIFY), 0.25, 1), n -> {});
    for (String task : List.of("segment", "classify")) {
      Map<String, byte[]> a = contents(data.resolve(task));
      Map<String, byte[]> b = contents(again.resolve(task));
      assertThat(b.keySet()).isEqualTo(a.keySet());
      a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
    }
    assertThat(SynthDatasetWriter.isCurrent(data, settings(1))).isTrue();
    assertThat(SynthDatasetWriter.isCurrent(data, new SynthSettings(new int[] {24, 28, 24}, null, 8, 16, ALL, 0.25, 1))).isFalse();
  }

  @Test
  void classesAreBalancedAndSessionsShareTheSubject() throws IOException {
    Dataset d = DatasetLoader.load(DatasetSource.of("c", data.resolve("classify")), TaskType.CLASSIFY, DatasetValidator.Expectations.none());
    Map<String, String> labelOf = new TreeMap<>();
    for (Scan s : d.scans()) {
      labelOf.put(s.subjectId(), s.label());
    }
    assertThat(labelOf.values().stream().filter("AD"::equals).count()).isEqualTo(8);
    assertThat(d.scans().size()).isGreaterThan(16);
    assertThat(d.bySubject().values()).anySatisfy(scans -> assertThat(scans).hasSize(2));
  }

  @Test
  void masksHoldEveryTumourLabelOnTheImageGrid() throws IOException {
    Dataset d = DatasetLoader.load(DatasetSource.of("s", data.resolve("segment")), TaskType.SEGMENT, DatasetValidator.Expectations.none());
    Set<Float> seen = new HashSet<>();
    for (Scan s : d.scans()) {
      assertThat(s.images()).hasSize(2);
      Volume mask = NiftiVolumes.read(s.mask());
      Volume image = NiftiVolumes.read(s.images().get(0));
      assertThat(mask.grid().matches(image.grid(), 1e-4)).isTrue();
      int tumour = 0;
      for (float v : mask.channel(0)) {
        seen.add(v);
        tumour += v > 0 ? 1 : 0;
      }
      assertThat(tumour).as(s.subjectId()).isPositive();
    }
    assertThat(seen).contains(0f, 1f, 2f, 4f).hasSize(4);
  }

  /**
   * The mean simulated brain lines up with Colin27 in world space (compared at the simulated
   * resolution: Colin smoothed to about the output voxel size).
   */
  @Test
  void meanBrainAlignsWithTheTemplate() throws IOException {
    Volume colinFull = BrainTemplate.colinT1();
    double sigma = SynthDatasetWriter.outputGrid(BrainTemplate.shared(), settings(1)).spacing()[0] / 2;
    Volume colin = org.brainbench.tasks.volume.GaussianFilter.smooth(colinFull, new double[] {sigma, sigma, sigma});
    Dataset d = DatasetLoader.load(DatasetSource.of("p", data.resolve("pretrain")), TaskType.PRETRAIN, DatasetValidator.Expectations.none());
    float[] mean = new float[colin.grid().voxelCount()];
    float[] brainShare = new float[mean.length];
    for (Scan s : d.scans()) {
      Volume v = Resampler.resample(NiftiVolumes.read(s.images().get(0)), colin.grid(), Interpolation.LINEAR);
      float[] z = zscoreNonZero(v.channel(0));
      for (int i = 0; i < mean.length; i++) {
        mean[i] += z[i];
        brainShare[i] += v.channel(0)[i] != 0 ? 1f / d.scans().size() : 0;
      }
    }
    // the same brain outline (masks overlap) ...
    long both = 0;
    long sum = 0;
    for (int i = 0; i < mean.length; i++) {
      boolean a = brainShare[i] > 0.5f;
      boolean b = colinFull.channel(0)[i] > 0;
      both += a && b ? 1 : 0;
      sum += (a ? 1 : 0) + (b ? 1 : 0);
    }
    assertThat(2.0 * both / sum).as("Dice of mean brain mask and Colin's").isGreaterThan(0.85);
    // ... and the same anatomy inside it
    List<float[]> inside = new ArrayList<>();
    for (int i = 0; i < mean.length; i++) {
      if (colinFull.channel(0)[i] > 0) {
        inside.add(new float[] {mean[i], colin.channel(0)[i]});
      }
    }
    float[] a = new float[inside.size()];
    float[] b = new float[inside.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = inside.get(i)[0];
      b[i] = inside.get(i)[1];
    }
    assertThat(correlation(a, b)).as("correlation inside Colin's brain").isGreaterThan(0.7);
  }

  /** Ageing is in the images: the dark (CSF) share of the brain grows with age. */
  @Test
  void csfShareGrowsWithAge() throws IOException {
    Dataset d = DatasetLoader.load(DatasetSource.of("r", data.resolve("regress")), TaskType.REGRESS, DatasetValidator.Expectations.none());
    List<double[]> pairs = new ArrayList<>();
    for (Scan s : d.scans()) {
      float[] v = NiftiReader.read(s.images().get(0)).data();
      float[] z = zscoreNonZero(v);
      int brain = 0;
      int dark = 0;
      for (int i = 0; i < v.length; i++) {
        if (v[i] != 0) {
          brain++;
          dark += z[i] < -1 ? 1 : 0;
        }
      }
      pairs.add(new double[] {s.age(), (double) dark / brain});
    }
    float[] ages = new float[pairs.size()];
    float[] csf = new float[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      ages[i] = (float) pairs.get(i)[0];
      csf[i] = (float) pairs.get(i)[1];
    }
    assertThat(correlation(ages, csf)).isGreaterThan(0.5);
  }

  static float[] zscoreNonZero(float[] v) {
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (float f : v) {
      if (f != 0) {
        sum += f;
        sq += (double) f * f;
        n++;
      }
    }
    double mean = sum / n;
    double sd = Math.sqrt(sq / n - mean * mean);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] == 0 ? 0 : (float) ((v[i] - mean) / sd);
    }
    return out;
  }

  static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  private static Map<String, byte[]> contents(Path folder) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(folder.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }
}
