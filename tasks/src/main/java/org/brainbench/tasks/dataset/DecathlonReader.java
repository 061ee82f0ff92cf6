package org.brainbench.tasks.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.brainbench.tasks.TaskType;

/**
 * Reads the two layouts built around a {@code dataset.json}: the Medical Segmentation Decathlon's
 * and nnU-Net's raw datasets. Both are segmentation data.
 *
 * <ul>
 *   <li><b>Decathlon</b> ({@code Task01_BrainTumour/}): {@code dataset.json} lists the training
 *       cases ({@code "training": [{"image": "./imagesTr/BRATS_001.nii.gz", "label":
 *       "./labelsTr/BRATS_001.nii.gz"}]}); each image is one 4D file holding every modality
 *       ({@code "modality": {"0": "FLAIR", ...}}). nnU-Net v1's conversion of it, with one file per
 *       channel ({@code BRATS_001_0000.nii.gz}), is read too.
 *   <li><b>nnU-Net v2 raw</b> ({@code Dataset001_BrainTumour/}): {@code imagesTr/<case>_0000<ending>}
 *       one file per channel as {@code "channel_names"} numbers them, {@code labelsTr/<case><ending>},
 *       {@code "file_ending"}; the cases are the label files.
 * </ul>
 *
 * <p>The labels are {@code dataset.json}'s. When they are the Decathlon brain tumour task's (1
 * oedema, 2 non-enhancing tumour, 3 enhancing tumour, as nnU-Net's BraTS conversions number them
 * too), the dataset has the {@link LabelConvention#MSD} convention and its BraTS regions are scored.
 */
public final class DecathlonReader {
  public static final String DATASET_JSON = "dataset.json";

  private DecathlonReader() {}

  /** True for nnU-Net v2's {@code dataset.json} (it has {@code channel_names}), false for the Decathlon's. */
  static boolean isNnunet(Path root) throws IOException {
    return json(root.resolve(DATASET_JSON)).has("channel_names");
  }

  public static Dataset read(Path root, String name, TaskType type, List<DatasetProblem> problems) throws IOException {
    Path file = root.resolve(DATASET_JSON);
    if (!Files.isRegularFile(file)) {
      problems.add(new DatasetProblem(root.toString(), "no " + DATASET_JSON + " (a Decathlon or nnU-Net dataset has one)"));
      return null;
    }
    JsonNode json;
    try {
      json = json(file);
    } catch (IOException e) {
      problems.add(new DatasetProblem(file.toString(), "not valid JSON: " + e.getMessage()));
      return null;
    }
    if (type != TaskType.SEGMENT) {
      problems.add(new DatasetProblem(file.toString(), "a Decathlon or nnU-Net dataset holds segmentations; it cannot be a " + type.id() + " task"));
      return null;
    }
    Map<Integer, String> labels = labels(json.path("labels"), file, problems);
    LabelConvention convention = tumourLabels(labels) ? LabelConvention.MSD : null;
    List<Scan> scans = new ArrayList<>();
    List<String> channels;
    if (json.has("channel_names")) {
      channels = names(json.get("channel_names"));
      String ending = json.path("file_ending").asText(".nii.gz");
      for (String id : cases(root.resolve("labelsTr"), ending, root, problems)) {
        List<Path> images = new ArrayList<>();
        boolean ok = true;
        for (int c = 0; c < channels.size(); c++) {
          Path img = root.resolve("imagesTr").resolve(String.format(Locale.ROOT, "%s_%04d%s", id, c, ending));
          if (!Files.isRegularFile(img)) {
            problems.add(new DatasetProblem(root.resolve("imagesTr").toString(), "missing " + img.getFileName() + " (channel " + channels.get(c) + ")"));
            ok = false;
          }
          images.add(img.toAbsolutePath().normalize());
        }
        if (ok) {
          scans.add(new Scan(id, null, images, root.resolve("labelsTr").resolve(id + ending).toAbsolutePath().normalize(), null, null, Map.of(),
              root.resolve("labelsTr").resolve(id + ending).toString()));
        }
      }
    } else {
      channels = names(json.path("modality"));
      if (!json.path("training").isArray()) {
        problems.add(new DatasetProblem(file.toString(), "no \"training\" list of cases"));
        return new Dataset(name, type, root, channels, List.of(), convention);
      }
      int i = 0;
      for (JsonNode entry : json.get("training")) {
        String where = file + ": training[" + i++ + "]";
        Path image = entry.path("image").isTextual() ? root.resolve(entry.get("image").asText()).normalize() : null;
        Path label = entry.path("label").isTextual() ? root.resolve(entry.get("label").asText()).normalize() : null;
        if (image == null || label == null) {
          problems.add(new DatasetProblem(where, "needs \"image\" and \"label\""));
          continue;
        }
        String id = stem(image.getFileName().toString());
        List<Path> images = decathlonImages(image, id, channels.size());
        if (images == null) {
          problems.add(new DatasetProblem(where, "missing " + image + " (nor one file per channel, " + id + "_0000.nii.gz ...)"));
          continue;
        }
        if (!Files.isRegularFile(label)) {
          problems.add(new DatasetProblem(where, "missing " + label));
          continue;
        }
        scans.add(new Scan(id, null, images, label.toAbsolutePath(), null, null, Map.of(), where));
      }
    }
    return new Dataset(name, type, root, channels, scans, convention);
  }

  /** The 4D file, or the per-channel files of nnU-Net v1's conversion; null when neither is there. */
  private static List<Path> decathlonImages(Path image, String id, int channels) {
    if (Files.isRegularFile(image)) {
      return List.of(image.toAbsolutePath());
    }
    List<Path> split = new ArrayList<>();
    for (int c = 0; c < Math.max(1, channels); c++) {
      Path p = image.resolveSibling(String.format(Locale.ROOT, "%s_%04d.nii.gz", id, c));
      if (!Files.isRegularFile(p)) {
        return null;
      }
      split.add(p.toAbsolutePath());
    }
    return split;
  }

  /** Case ids: the label files' names without the ending. */
  private static List<String> cases(Path labelsTr, String ending, Path root, List<DatasetProblem> problems) throws IOException {
    if (!Files.isDirectory(labelsTr)) {
      problems.add(new DatasetProblem(root.toString(), "no labelsTr folder"));
      return List.of();
    }
    try (Stream<Path> s = Files.list(labelsTr)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(ending) && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ending.length())).sorted().toList();
    }
  }

  /** Names by their number: {@code {"0": "FLAIR", "1": "T1w"}} is [flair, t1w]. */
  private static List<String> names(JsonNode byNumber) {
    Map<Integer, String> m = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = byNumber.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        m.put(Integer.parseInt(e.getKey().trim()), e.getValue().asText().toLowerCase(Locale.ROOT));
      } catch (NumberFormatException ignored) {
        // not a channel number
      }
    }
    return List.copyOf(m.values());
  }

  /**
   * Label values and names, background left out: the Decathlon's {@code {"1": "edema"}} or
   * nnU-Net v2's {@code {"edema": 1}}. nnU-Net's region-based labels ({@code "whole tumor": [1, 2,
   * 3]}) contribute their values, each named after the smallest region holding it.
   */
  private static Map<Integer, String> labels(JsonNode node, Path file, List<DatasetProblem> problems) {
    Map<Integer, String> out = new TreeMap<>();
    Map<Integer, Integer> regionSize = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isTextual()) {
        try {
          out.put(Integer.parseInt(e.getKey().trim()), v.asText());
        } catch (NumberFormatException ex) {
          problems.add(new DatasetProblem(file + ": labels." + e.getKey(), "not a label number"));
        }
      } else if (v.isInt()) {
        out.put(v.asInt(), e.getKey());
      } else if (v.isArray()) {
        for (JsonNode x : v) {
          if (regionSize.getOrDefault(x.asInt(), Integer.MAX_VALUE) > v.size()) {
            regionSize.put(x.asInt(), v.size());
            out.put(x.asInt(), e.getKey());
          }
        }
      }
    }
    out.remove(0);
    return out;
  }

  /**
   * The Decathlon's brain tumour labels: 1 oedema, 2 non-enhancing tumour, 3 enhancing tumour, by
   * name; or nnU-Net's BraTS regions over the same numbers (3 named after the enhancing region, 2
   * after the core, 1 after the whole tumour).
   */
  private static boolean tumourLabels(Map<Integer, String> labels) {
    if (!labels.keySet().equals(new TreeSet<>(List.of(1, 2, 3)))) {
      return false;
    }
    String one = labels.get(1).toLowerCase(Locale.ROOT);
    String two = labels.get(2).toLowerCase(Locale.ROOT);
    String three = labels.get(3).toLowerCase(Locale.ROOT);
    boolean decathlon = (one.contains("edema") || one.contains("oedema")) && two.contains("non") && three.contains("enhanc");
    boolean regions = one.contains("whole") && two.contains("core") && three.contains("enhanc");
    return decathlon || regions;
  }

  private static String stem(String file) {
    for (String ext : List.of(".nii.gz", ".nii")) {
      if (file.endsWith(ext)) {
        return file.substring(0, file.length() - ext.length());
      }
    }
    return file;
  }

  private static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }
}
