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
 * Reads BraTS-style case folders: {@code <root>/<case>/<case>_<modality>.nii.gz} for each chosen
 * modality (default t1, t1ce, t2, flair; {@code .nii} also accepted) and {@code <case>_seg.nii.gz}
 * with labels 1 (necrotic core), 2 (oedema), 4 (enhancing tumour). See {@link BratsRegions} for
 * the evaluation regions.
 */
public final class BratsReader {
  public static final List<String> DEFAULT_MODALITIES = List.of("t1", "t1ce", "t2", "flair");
  public static final String SEGMENTATION = "seg";

  private BratsReader() {}

  public static Dataset read(Path root, String name, TaskType type, List<String> modalities, List<DatasetProblem> problems) throws IOException {
    if (!Files.isDirectory(root)) {
      problems.add(new DatasetProblem(root.toString(), "BraTS folder not found"));
      return null;
    }
    List<Path> cases;
    try (Stream<Path> s = Files.list(root)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    List<Scan> scans = new ArrayList<>();
    for (Path dir : cases) {
      String id = dir.getFileName().toString();
      if (id.startsWith(".")) {
        continue;
      }
      List<Path> images = new ArrayList<>();
      boolean ok = true;
      for (String modality : modalities) {
        Path file = find(dir, id, modality);
        if (file == null) {
          problems.add(new DatasetProblem(dir.toString(), "missing " + id + "_" + modality + ".nii.gz"));
          ok = false;
        } else {
          images.add(file.toAbsolutePath().normalize());
        }
      }
      Path seg = find(dir, id, SEGMENTATION);
      if (seg == null && type == TaskType.SEGMENT) {
        problems.add(new DatasetProblem(dir.toString(), "missing " + id + "_" + SEGMENTATION + ".nii.gz"));
        ok = false;
      }
      if (ok) {
        scans.add(new Scan(id, null, images, seg == null ? null : seg.toAbsolutePath().normalize(), null, null, Map.of(), dir.toString()));
      }
    }
    if (cases.isEmpty()) {
      problems.add(new DatasetProblem(root.toString(), "no case folders"));
    }
    return new Dataset(name, type, root, modalities, scans);
  }

  private static Path find(Path dir, String id, String suffix) {
    for (String ext : List.of(".nii.gz", ".nii")) {
      Path p = dir.resolve(id + "_" + suffix + ext);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }
}
