package org.brainbench.tasks.nifti;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Finds the header and image files of a NIfTI image and opens them, gzipped or not. */
final class NiftiFiles {
  private static final int BUFFER = 1 << 16;

  private NiftiFiles() {}

  /** Whether a name looks like a NIfTI file brainbench can open. */
  static boolean isNiftiName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".hdr") || n.endsWith(".hdr.gz")
        || n.endsWith(".img") || n.endsWith(".img.gz");
  }

  /** The header file of {@code given}: itself, or the .hdr beside a given .img. */
  static Path headerFile(Path given) throws NiftiFormatException {
    String name = given.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".img") || lower.endsWith(".img.gz")) {
      String base = name.substring(0, lower.lastIndexOf(".img"));
      for (String ext : List.of(".hdr", ".hdr.gz", ".HDR", ".HDR.gz")) {
        Path candidate = given.resolveSibling(base + ext);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
      throw new NiftiFormatException(given, "no header file (" + base + ".hdr or " + base + ".hdr.gz) beside this image file");
    }
    return given;
  }

  /** The file holding the voxel data for a parsed header. */
  static Path imageFile(Path header, NiftiHeader h) throws NiftiFormatException {
    if (!h.pair()) {
      return header;
    }
    String name = header.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    int dot = lower.lastIndexOf(".hdr");
    if (dot < 0) {
      throw new NiftiFormatException(header, "header says the image is in a separate .img file, but this file is not named .hdr");
    }
    String base = name.substring(0, dot);
    boolean upper = name.startsWith(".HDR", dot);
    String img = upper ? ".IMG" : ".img";
    List<String> order = lower.endsWith(".gz") ? List.of(img + ".gz", img) : List.of(img, img + ".gz");
    for (String ext : order) {
      Path candidate = header.resolveSibling(base + ext);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new NiftiFormatException(header, "image file " + base + img + " (or " + base + img + ".gz) not found beside the header");
  }

  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** Opens a file for reading, inflating it if it starts with the gzip magic bytes. */
  static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    return isGzip(file) ? new GZIPInputStream(raw, BUFFER) : raw;
  }
}
