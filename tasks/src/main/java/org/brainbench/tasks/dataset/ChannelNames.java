package org.brainbench.tasks.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * Names channels after their files: the last {@code _}-separated part of the name before the
 * extension ({@code sub-01_flair.nii.gz} is {@code flair}); {@code ch0, ch1, ...} when that does
 * not give distinct names ({@code image} for a single file).
 */
final class ChannelNames {
  private ChannelNames() {}

  static List<String> fromFiles(List<Path> files) {
    List<String> names = new ArrayList<>();
    for (Path f : files) {
      String n = f.getFileName().toString();
      String lower = n.toLowerCase(Locale.ROOT);
      for (String ext : List.of(".nii.gz", ".nii", ".hdr.gz", ".hdr", ".img.gz", ".img")) {
        if (lower.endsWith(ext)) {
          n = n.substring(0, n.length() - ext.length());
          break;
        }
      }
      int underscore = n.lastIndexOf('_');
      names.add(underscore >= 0 ? n.substring(underscore + 1).toLowerCase(Locale.ROOT) : "");
    }
    if (new HashSet<>(names).size() != names.size() || names.contains("")) {
      names.clear();
      for (int i = 0; i < files.size(); i++) {
        names.add(files.size() == 1 ? "image" : "ch" + i);
      }
    }
    return names;
  }
}
