package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.nifti.NiftiHeader;
import org.brainbench.tasks.nifti.NiftiImage;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.nifti.VoxelStatistics;
import org.brainbench.tasks.volume.Orientation;

/**
 * What brainbench makes of a dataset before any run ({@code data check}): the layout, the task it
 * suits, subjects, sessions and scans, channels, targets, and the grids, voxel sizes and orientations
 * of the images, with every problem by path. Reads headers only, unless asked for statistics (then
 * also each scan's intensity range and each mask's label values).
 */
public final class DatasetSurvey {
  /** Summary of numbers over scans: how many, and their minimum, median and maximum. */
  public record Range(int n, double min, double median, double max) {
    static Range of(List<Double> values) {
      if (values.isEmpty()) {
        return null;
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Range(n, v[0], median, v[n - 1]);
    }
  }

  /**
   * A segmentation label value: what it marks in the layout's convention (or null), and with
   * statistics its voxels over every mask (else null).
   */
  public record Label(String meaning, Long voxels) {}

  /** The intensity range of one channel over scans (with statistics): each scan's minimum and maximum, summarised. */
  public record Intensity(Range scanMin, Range scanMax) {}

  /**
   * The survey.
   *
   * @param format the layout read ({@code manifest}, {@code bids}, {@code brats})
   * @param labelConvention BraTS/MSD: what the labels mean, else null
   * @param task the task type the data was read for (given, or the first that reads without problems)
   * @param classes classify: scans per class
   * @param labels segment: the layout convention's labels and, with statistics, every mask value
   *     found, each with its meaning and voxel count
   * @param shapes image grids ({@code 240x240x155}) and how many scans have each
   * @param voxelSizes voxel sizes in mm ({@code 1x1x1}) and how many scans have each
   * @param orientations axis codes ({@code RAS}, {@code LPS}) and how many scans have each
   * @param intensities with statistics: per channel, the range of each scan's values; else empty
   * @param problems every problem found, each with its path
   */
  public record Report(
      String path,
      String format,
      String labelConvention,
      String task,
      int subjects,
      int sessions,
      int scans,
      List<String> modalities,
      Map<String, Integer> classes,
      Map<Integer, Label> labels,
      Range ages,
      Map<String, Integer> shapes,
      Map<String, Integer> voxelSizes,
      Map<String, Integer> orientations,
      Map<String, Intensity> intensities,
      List<DatasetProblem> problems) {
    /** A suite could train on it: read, and nothing wrong. */
    public boolean usable() {
      return problems.isEmpty() && scans > 0;
    }
  }

  private DatasetSurvey() {}

  /**
   * @param type the task to read it for, or null to take the first of segment, classify, regress
   *     that reads without problems
   * @param statistics also read the voxels: intensity ranges and mask labels
   */
  public static Report survey(DatasetSource source, TaskType type, boolean statistics) throws IOException {
    DatasetFormat format = source.format() != null ? source.format() : DatasetFormat.detect(source.path());
    if (format == null) {
      return empty(source, null, type, List.of(new DatasetProblem(source.path().toString(), "no such file or folder")));
    }
    DatasetSource resolved = new DatasetSource(source.name(), source.path(), format, source.labelColumn(), source.modalities(), source.targets());
    // without a task, the first reading without problems wins; else the one with the fewest
    List<DatasetProblem> problems = null;
    Dataset dataset = null;
    for (TaskType t : type != null ? List.of(type) : List.of(TaskType.SEGMENT, TaskType.CLASSIFY, TaskType.REGRESS)) {
      List<DatasetProblem> p = new ArrayList<>();
      Dataset d = DatasetLoader.read(resolved, t, p);
      if (problems == null || (d != null && (dataset == null || p.size() < problems.size()))) {
        dataset = d;
        problems = p;
      }
      if (d != null && p.isEmpty() && !d.scans().isEmpty()) {
        break;
      }
    }
    if (dataset == null) {
      return empty(source, format, type, problems);
    }
    Set<Integer> labels = statistics && dataset.labelConvention() != null ? dataset.labelConvention().labels().keySet() : Set.of();
    problems.addAll(DatasetValidator.validate(dataset, new DatasetValidator.Expectations(List.of(), labels)));
    return describe(source.path(), format, dataset, statistics, problems);
  }

  private static Report empty(DatasetSource source, DatasetFormat format, TaskType type, List<DatasetProblem> problems) {
    return new Report(source.path().toString(), format == null ? null : format.id(), null, type == null ? null : type.id(), 0, 0, 0, List.of(),
        Map.of(), Map.of(), null, Map.of(), Map.of(), Map.of(), Map.of(), List.copyOf(problems));
  }

  private static Report describe(Path path, DatasetFormat format, Dataset d, boolean statistics, List<DatasetProblem> problems) {
    Map<String, Integer> classes = new TreeMap<>();
    List<Double> ages = new ArrayList<>();
    Map<String, Integer> shapes = new TreeMap<>();
    Map<String, Integer> sizes = new TreeMap<>();
    Map<String, Integer> orientations = new TreeMap<>();
    Map<String, List<Double>> mins = new LinkedHashMap<>();
    Map<String, List<Double>> maxs = new LinkedHashMap<>();
    Map<Integer, Long> labels = new TreeMap<>();
    int sessions = 0;
    for (Scan s : d.scans()) {
      sessions += s.session() == null ? 0 : 1;
      if (s.label() != null) {
        classes.merge(s.label(), 1, Integer::sum);
      }
      if (s.age() != null) {
        ages.add(s.age());
      }
      for (int c = 0; c < s.images().size(); c++) {
        Path image = s.images().get(c);
        try {
          NiftiHeader h = NiftiReader.readHeader(image);
          if (c == 0) {
            shapes.merge(grid(h.shape()), 1, Integer::sum);
            sizes.merge(grid(h.affine().spacing()), 1, Integer::sum);
            orientations.merge(Orientation.of(h.affine()).code(), 1, Integer::sum);
          }
          if (statistics) {
            VoxelStatistics v = NiftiReader.statistics(image);
            String channel = c < d.channels().size() ? d.channels().get(c) : "ch" + c;
            mins.computeIfAbsent(channel, k -> new ArrayList<>()).add(v.min());
            maxs.computeIfAbsent(channel, k -> new ArrayList<>()).add(v.max());
          }
        } catch (IOException e) {
          // the validator has named the file already
        }
      }
      if (statistics && s.mask() != null) {
        try {
          NiftiImage mask = NiftiReader.read(s.mask());
          Map<Integer, Long> counts = new TreeMap<>();
          for (float v : mask.data()) {
            if (v != 0) {
              counts.merge(Math.round(v), 1L, Long::sum);
            }
          }
          counts.forEach((k, n) -> labels.merge(k, n, Long::sum));
        } catch (IOException e) {
          // named by the validator
        }
      }
    }
    Map<String, Intensity> intensities = new LinkedHashMap<>();
    mins.forEach((channel, lo) -> intensities.put(channel, new Intensity(Range.of(lo), Range.of(maxs.get(channel)))));
    return new Report(path.toString(), format.id(), d.labelConvention() == null ? null : d.labelConvention().id(), d.type().id(),
        d.bySubject().size(), sessions, d.scans().size(), d.channels(), classes, labels(d.labelConvention(), labels, statistics), Range.of(ages), shapes, sizes, orientations, intensities,
        List.copyOf(problems));
  }

  private static Map<Integer, Label> labels(LabelConvention convention, Map<Integer, Long> voxels, boolean statistics) {
    Map<Integer, Label> out = new TreeMap<>();
    if (convention != null) {
      convention.labels().forEach((k, meaning) -> out.put(k, new Label(meaning, statistics ? voxels.getOrDefault(k, 0L) : null)));
    }
    voxels.forEach((k, n) -> out.putIfAbsent(k, new Label(null, n)));
    return out;
  }

  /** {@code 240x240x155} from a shape, {@code 1x1x1.2} from voxel sizes (three spatial axes, up to 3 decimals). */
  private static String grid(long[] shape) {
    return Arrays.stream(shape).limit(3).mapToObj(Long::toString).reduce((a, b) -> a + "x" + b).orElse("");
  }

  private static String grid(double[] mm) {
    return Arrays.stream(mm).limit(3).mapToObj(v -> new java.math.BigDecimal(String.format(Locale.ROOT, "%.3f", v)).stripTrailingZeros().toPlainString())
        .reduce((a, b) -> a + "x" + b).orElse("");
  }
}
