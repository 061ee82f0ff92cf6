package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.brainbench.tasks.nifti.NiftiWriter;
import org.brainbench.tasks.volume.Affine;

/** Tiny NIfTI files and text files for dataset tests, written on the fly. */
final class DatasetFixtures {
  static final int[] SHAPE = {4, 4, 4};
  static final Affine ONE_MM = Affine.diagonal(1, 1, 1);

  private DatasetFixtures() {}

  /** A 4x4x4 float32 image at 1 mm with values 1..64. */
  static Path image(Path file) throws IOException {
    return image(file, SHAPE, ONE_MM);
  }

  static Path image(Path file, int[] shape, Affine affine) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    float[] data = new float[shape[0] * shape[1] * shape[2]];
    for (int i = 0; i < data.length; i++) {
      data[i] = i + 1;
    }
    NiftiWriter.write(file, shape, data, affine, NiftiWriter.Options.float32());
    return file;
  }

  /** A 4x4x4 uint8 label map at 1 mm holding {@code values} cycled over the voxels. */
  static Path labels(Path file, float... values) throws IOException {
    return labels(file, SHAPE, ONE_MM, values);
  }

  static Path labels(Path file, int[] shape, Affine affine, float... values) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    float[] data = new float[shape[0] * shape[1] * shape[2]];
    for (int i = 0; i < data.length; i++) {
      data[i] = values[i % values.length];
    }
    boolean bytes = true;
    for (float v : values) {
      bytes &= v >= 0 && v <= 255 && v == Math.rint(v);
    }
    NiftiWriter.write(file, shape, data, affine, bytes ? NiftiWriter.Options.labels() : NiftiWriter.Options.float32());
    return file;
  }

  static Path text(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  static Path text(Path file, List<String> lines) throws IOException {
    return text(file, String.join("\n", lines) + "\n");
  }

  /** Files left in a folder tree whose names look like temp files. */
  static List<Path> tempFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }
}
