package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.nifti.NiftiHeader;
import org.brainbench.tasks.nifti.NiftiImage;
import org.brainbench.tasks.nifti.NiftiReader;
import org.brainbench.tasks.volume.Affine;

/**
 * Checks a dataset before anything trains on it and reports every problem at once: missing or
 * unreadable files, duplicate scans, channels or masks on a different grid than the image, class
 * labels outside the task's class list, mask values outside its label set.
 *
 * <p>Headers are read for every file; mask voxels are read only when a label set is given.
 */
public final class DatasetValidator {
  /** Largest difference of affine entries (mm) for two files to count as the same grid. */
  public static final double GRID_TOLERANCE_MM = 1e-3;

  /**
   * What the task expects of the data.
   *
   * @param classes the allowed class names (classification), or empty for any
   * @param labels the allowed non-zero mask values (segmentation), or empty to skip reading masks
   */
  public record Expectations(List<String> classes, Set<Integer> labels) {
    public Expectations {
      classes = List.copyOf(classes);
      labels = Set.copyOf(labels);
    }

    public static Expectations none() {
      return new Expectations(List.of(), Set.of());
    }
  }

  private DatasetValidator() {}

  public static List<DatasetProblem> validate(Dataset dataset, Expectations expectations) {
    List<DatasetProblem> problems = new ArrayList<>();
    Map<String, String> firstOrigin = new HashMap<>();
    Set<String> classesSeen = new LinkedHashSet<>();
    for (Scan scan : dataset.scans()) {
      // keyed by the pair, not scanId(): subject "a_b" and subject "a" session "b" are different scans
      String previous = firstOrigin.putIfAbsent(scan.subjectId() + '\u0000' + scan.session(), scan.origin());
      if (previous != null) {
        problems.add(new DatasetProblem(scan.origin(), "duplicate scan: subject " + scan.subjectId()
            + (scan.session() == null ? "" : " session " + scan.session()) + " is also at " + previous));
      }
      if (dataset.type() == TaskType.CLASSIFY && scan.label() != null) {
        classesSeen.add(scan.label());
        if (!expectations.classes().isEmpty() && !expectations.classes().contains(scan.label())) {
          problems.add(new DatasetProblem(scan.origin(), "label \"" + scan.label() + "\" is not one of the classes " + expectations.classes()));
        }
      }
      checkFiles(scan, dataset.type(), expectations, problems);
    }
    if (dataset.type() == TaskType.CLASSIFY && classesSeen.size() == 1) {
      problems.add(new DatasetProblem(dataset.source().toString(), "every scan has the label \"" + classesSeen.iterator().next()
          + "\": classification needs at least two classes"));
    }
    return problems;
  }

  private static void checkFiles(Scan scan, TaskType type, Expectations expectations, List<DatasetProblem> problems) {
    NiftiHeader reference = null;
    Path referenceFile = null;
    for (Path image : scan.images()) {
      NiftiHeader h = header(image, scan, problems);
      if (h == null) {
        continue;
      }
      if (reference == null) {
        reference = h;
        referenceFile = image;
      } else if (!sameGrid(reference, h)) {
        problems.add(new DatasetProblem(scan.origin(), "channel " + image.getFileName() + " is on grid " + describe(h)
            + ", channel " + referenceFile.getFileName() + " on " + describe(reference)));
      }
    }
    if (type == TaskType.SEGMENT && scan.mask() != null) {
      NiftiHeader m = header(scan.mask(), scan, problems);
      if (m == null) {
        return;
      }
      if (reference != null && !sameGrid(reference, m)) {
        problems.add(new DatasetProblem(scan.origin(), "mask " + scan.mask().getFileName() + " is on grid " + describe(m)
            + ", the image " + referenceFile.getFileName() + " on " + describe(reference)));
      }
      if (!expectations.labels().isEmpty()) {
        checkLabels(scan, expectations.labels(), problems);
      }
    }
  }

  private static void checkLabels(Scan scan, Set<Integer> allowed, List<DatasetProblem> problems) {
    try {
      NiftiImage mask = NiftiReader.read(scan.mask());
      Set<Float> unexpected = new TreeSet<>();
      for (float v : mask.data()) {
        if (v != 0 && (v != Math.rint(v) || !allowed.contains((int) v))) {
          unexpected.add(v);
          if (unexpected.size() > 10) {
            break;
          }
        }
      }
      if (!unexpected.isEmpty()) {
        problems.add(new DatasetProblem(scan.mask().toString(), "mask values " + unexpected + " are not in the label set " + new TreeSet<>(allowed)));
      }
    } catch (IOException e) {
      problems.add(new DatasetProblem(scan.mask().toString(), "unreadable mask: " + e.getMessage()));
    }
  }

  private static NiftiHeader header(Path file, Scan scan, List<DatasetProblem> problems) {
    if (!Files.exists(file)) {
      problems.add(new DatasetProblem(scan.origin(), "file not found: " + file));
      return null;
    }
    try {
      NiftiHeader h = NiftiReader.readHeader(file);
      NiftiReader.checkDataPresent(file, h);
      return h;
    } catch (IOException e) {
      problems.add(new DatasetProblem(scan.origin(), "unreadable image: " + e.getMessage()));
      return null;
    }
  }

  static boolean sameGrid(NiftiHeader a, NiftiHeader b) {
    long[] sa = a.shape();
    long[] sb = b.shape();
    for (int i = 0; i < 3; i++) {
      long da = i < sa.length ? sa[i] : 1;
      long db = i < sb.length ? sb[i] : 1;
      if (da != db) {
        return false;
      }
    }
    Affine fa = a.affine();
    Affine fb = b.affine();
    return fa.maxAbsDifference(fb) <= GRID_TOLERANCE_MM;
  }

  private static String describe(NiftiHeader h) {
    long[] s = h.shape();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(3, s.length); i++) {
      b.append(i == 0 ? "" : "x").append(s[i]);
    }
    return b + " " + h.affine();
  }
}
