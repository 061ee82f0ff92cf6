package org.brainbench.harness.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.brainbench.harness.suite.TaskEntry;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.Dataset;
import org.brainbench.tasks.dataset.DatasetLoader;
import org.brainbench.tasks.dataset.DatasetSource;
import org.brainbench.tasks.dataset.DatasetValidator;
import org.brainbench.tasks.dataset.LabelConvention;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.tasks.dataset.Scan;
import org.brainbench.tasks.preprocess.PreprocessCache;
import org.brainbench.tasks.preprocess.ScanLoader;
import org.brainbench.tasks.split.Split;
import org.brainbench.tasks.split.Stratification;
import org.brainbench.tasks.split.SubjectLists;
import org.brainbench.tasks.volume.Grid;

/**
 * A task's data for a run: the validated dataset, every scan preprocessed into the on-disk
 * preprocessing cache (from which training and evaluation read each sample when they use it, so
 * memory holds only this index however large the cohort), the subjects' strata for splitting, and
 * a hash of what was read for provenance. Shared by every cell of the task.
 */
public final class TaskData {
  private final TaskEntry task;
  private final Dataset dataset;
  private final Map<String, Sample> samples;
  private final Map<String, String> strata;
  private final Grid grid;
  private final int channels;
  private final String hash;
  private final LabelConvention regions;
  private Split fixedSplit;

  private TaskData(TaskEntry task, Dataset dataset, Map<String, Sample> samples, Map<String, String> strata, Grid grid, int channels, String hash) {
    this.task = task;
    this.regions = regions(task, dataset);
    this.dataset = dataset;
    this.samples = samples;
    this.strata = strata;
    this.grid = grid;
    this.channels = channels;
    this.hash = hash;
  }

  /**
   * Loads and checks a task's dataset and preprocesses every scan into the cache (an entry already
   * there costs a header read; a segmentation mask is read whole, to check its labels).
   *
   * @param progress called with the number of scans loaded
   */
  public static TaskData load(TaskEntry task, DatasetSource source, PreprocessCache cache, java.util.function.IntConsumer progress) throws IOException {
    Set<Integer> labels = Set.copyOf(task.labels());
    DatasetValidator.Expectations expect = new DatasetValidator.Expectations(task.classes(), labels);
    Dataset dataset = DatasetLoader.load(source, task.type(), expect);
    checkRegions(task, source, regions(task, dataset));
    ScanLoader loader = new ScanLoader(task.preprocess(), cache);
    Map<String, Sample> samples = new LinkedHashMap<>();
    Grid grid = null;
    int channels = 0;
    Scan first = null;
    int done = 0;
    List<Integer> classLabels = task.type() == TaskType.SEGMENT ? List.copyOf(task.labels()) : null;
    for (Scan scan : dataset.scans()) {
      PreprocessCache.Entry image = loader.imageEntry(scan);
      if (grid == null) {
        grid = image.grid();
        channels = image.channels();
        first = scan;
      } else if (!sameShape(grid, image.grid())) {
        throw new IOException(source.path() + ": after preprocessing, " + scan.scanId() + " is " + image.grid() + " but "
            + first.scanId() + " is " + grid + "; set preprocess.shape (or cropPad) so every scan gets the same grid");
      } else if (image.channels() != channels) {
        throw new IOException(source.path() + ": " + scan.scanId() + " has " + image.channels() + " channel(s) but " + first.scanId() + " has " + channels);
      }
      if (classLabels != null) {
        CachedVoxels.classes(loader.mask(scan), classLabels, scan); // its labels checked now, not mid-training
      }
      samples.put(scan.scanId(), new Sample(scan, new CachedVoxels(scan, loader, classLabels)));
      progress.accept(++done);
    }
    Stratification stratification = task.split().stratification();
    Map<String, String> strata = stratification.strata(dataset, task.split().ageBins());
    TaskData data = new TaskData(task, dataset, samples, strata, grid, channels, hash(dataset, source));
    if (task.split().files() != null) {
      data.fixedSplit = SubjectLists.read(task.split().files(), dataset.subjectIds());
    }
    return data;
  }

  /**
   * The convention whose BraTS regions a segment task scores: the task's {@code regions}, else the
   * dataset layout's own (BraTS, MSD), else none.
   */
  private static LabelConvention regions(TaskEntry task, Dataset dataset) {
    if (task.type() != TaskType.SEGMENT || "none".equals(task.regions())) {
      return null;
    }
    return task.regions() != null ? LabelConvention.fromId(task.regions()) : dataset.labelConvention();
  }

  /** Checks that the regions can be scored with the task's labels, and that region metrics have regions. */
  private static void checkRegions(TaskEntry task, DatasetSource source, LabelConvention regions) throws IOException {
    if (regions != null && !task.labels().containsAll(regions.labels().keySet())) {
      throw new IOException(source.path() + ": the data is in the " + regions.id() + " label convention " + regions.labels()
          + " but the task's labels are " + task.labels() + "; set the task's labels, or regions: none");
    }
    for (String m : task.metrics()) {
      if (regions == null && MetricRegistry.isRegionMetric(m)) {
        throw new IOException(source.path() + ": the task reports " + m + " but its data names no label convention; set the task's regions");
      }
    }
  }

  /** The split read from the task's subject tables, or null when each cell draws one. */
  public Split fixedSplit() {
    return fixedSplit;
  }

  /** BraTS regions scored beside the labels (WT, TC, ET), or none. */
  public List<LabelConvention.Region> regions() {
    return regions == null ? List.of() : regions.regions();
  }

  /** The label convention of the regions, as rows record it, or null. */
  public String labelConvention() {
    return regions == null ? null : regions.id();
  }

  private static boolean sameShape(Grid a, Grid b) {
    return a.nx() == b.nx() && a.ny() == b.ny() && a.nz() == b.nz();
  }

  /** SHA-256 over every scan's id, files (name, size, modification time) and target. */
  private static String hash(Dataset d, DatasetSource source) throws IOException {
    StringBuilder b = new StringBuilder();
    List<Scan> scans = new ArrayList<>(d.scans());
    scans.sort(Comparator.comparing(Scan::scanId));
    for (Scan s : scans) {
      b.append(s.scanId()).append('|').append(s.label()).append('|').append(s.age());
      List<java.nio.file.Path> files = new ArrayList<>(s.images());
      if (s.mask() != null) {
        files.add(s.mask());
      }
      for (java.nio.file.Path f : files) {
        b.append('|').append(f.getFileName()).append(':').append(java.nio.file.Files.size(f));
      }
      b.append('\n');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public TaskEntry task() {
    return task;
  }

  public Dataset dataset() {
    return dataset;
  }

  public Sample sample(String scanId) {
    return samples.get(scanId);
  }

  public List<Sample> samples(List<Scan> scans) {
    List<Sample> out = new ArrayList<>();
    scans.forEach(s -> out.add(samples.get(s.scanId())));
    return out;
  }

  public Map<String, String> strata() {
    return strata;
  }

  /** The preprocessed grid every scan shares. */
  public Grid grid() {
    return grid;
  }

  /** Image channels per scan (modalities, or the volumes of a 4D file). */
  public int channels() {
    return channels;
  }

  public String hash() {
    return hash;
  }
}
