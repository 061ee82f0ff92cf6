package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.brainbench.tasks.TaskType;

/**
 * Reads BraTS case folders in either naming of the challenge:
 *
 * <ul>
 *   <li>BraTS 2021 and earlier: {@code <root>/<case>/<case>_<modality>.nii.gz}, modalities {@code t1,
 *       t1ce, t2, flair}, {@code <case>_seg.nii.gz} with labels 1, 2, 4 ({@link LabelConvention#BRATS2021}).
 *   <li>BraTS 2023 and later ({@code BraTS-GLI-00000-000}, and the MEN, MET, PED and SSA prefixes):
 *       {@code <case>/<case>-<modality>.nii.gz}, modalities {@code t1n, t1c, t2w, t2f}, {@code
 *       <case>-seg.nii.gz} with labels 1, 2, 3 ({@link LabelConvention#BRATS2023}).
 * </ul>
 *
 * <p>{@code .nii} is accepted beside {@code .nii.gz}. The naming is detected from the first case
 * folder's files unless given. Modalities may be asked for by either naming's names ({@code t1ce}
 * finds a 2023 case's {@code t1c}), so one suite reads both; the channels are named as the files are.
 */
public final class BratsReader {
  public static final List<String> DEFAULT_MODALITIES = List.of("t1", "t1ce", "t2", "flair");
  public static final String SEGMENTATION = "seg";

  /** The 2021 modality names and their 2023 equivalents. */
  private static final Map<String, String> TO_2023 = Map.of("t1", "t1n", "t1ce", "t1c", "t2", "t2w", "flair", "t2f");

  private BratsReader() {}

  /** Reads with the naming detected from the files. */
  public static Dataset read(Path root, String name, TaskType type, List<String> modalities, List<DatasetProblem> problems) throws IOException {
    return read(root, name, type, modalities, null, problems);
  }

  /**
   * @param convention {@link LabelConvention#BRATS2021} or {@link LabelConvention#BRATS2023}; null to detect it
   */
  public static Dataset read(Path root, String name, TaskType type, List<String> modalities, LabelConvention convention,
      List<DatasetProblem> problems) throws IOException {
    if (!Files.isDirectory(root)) {
      problems.add(new DatasetProblem(root.toString(), "BraTS folder not found"));
      return null;
    }
    List<Path> cases;
    try (Stream<Path> s = Files.list(root)) {
      cases = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    if (cases.isEmpty()) {
      problems.add(new DatasetProblem(root.toString(), "no case folders"));
      return new Dataset(name, type, root, modalities, List.of(), convention);
    }
    LabelConvention naming = convention != null ? convention : detect(cases);
    String sep = separator(naming);
    List<String> files = naming == LabelConvention.BRATS2023 ? modalities.stream().map(m -> TO_2023.getOrDefault(m, m)).toList() : modalities;
    List<Scan> scans = new ArrayList<>();
    for (Path dir : cases) {
      String id = dir.getFileName().toString();
      List<Path> images = new ArrayList<>();
      boolean ok = true;
      for (String modality : files) {
        Path file = find(dir, id + sep + modality);
        if (file == null) {
          problems.add(new DatasetProblem(dir.toString(), "missing " + id + sep + modality + ".nii.gz"));
          ok = false;
        } else {
          images.add(file.toAbsolutePath().normalize());
        }
      }
      Path seg = find(dir, id + sep + SEGMENTATION);
      if (seg == null && type == TaskType.SEGMENT) {
        problems.add(new DatasetProblem(dir.toString(), "missing " + id + sep + SEGMENTATION + ".nii.gz"));
        ok = false;
      }
      if (ok) {
        scans.add(new Scan(id, null, images, seg == null ? null : seg.toAbsolutePath().normalize(), null, null, Map.of(), dir.toString()));
      }
    }
    return new Dataset(name, type, root, files, scans, naming);
  }

  /** BraTS 2023 when the first case folder holds {@code <case>-...} files, else 2021. */
  static LabelConvention detect(List<Path> cases) throws IOException {
    Path first = cases.get(0);
    String prefix = first.getFileName() + "-";
    try (Stream<Path> s = Files.list(first)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix)) ? LabelConvention.BRATS2023 : LabelConvention.BRATS2021;
    }
  }

  private static String separator(LabelConvention naming) {
    return naming == LabelConvention.BRATS2023 ? "-" : "_";
  }

  private static Path find(Path dir, String stem) {
    for (String ext : List.of(".nii.gz", ".nii")) {
      Path p = dir.resolve(stem + ext);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }
}
