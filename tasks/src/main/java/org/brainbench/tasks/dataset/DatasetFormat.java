package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** How a dataset is laid out on disk. */
public enum DatasetFormat {
  /** A CSV/TSV manifest (docs/data-formats.md). */
  MANIFEST,
  /** A BIDS-style folder with participants.tsv. */
  BIDS,
  /** BraTS case folders, the challenge's naming (2021 or 2023) detected from the files. */
  BRATS,
  /** BraTS case folders named as in 2021 and earlier ({@code <case>_t1ce}, labels 1/2/4). */
  BRATS2021,
  /** BraTS case folders named as in 2023 and later ({@code <case>-t1c}, labels 1/2/3). */
  BRATS2023,
  /** The Medical Segmentation Decathlon's layout: {@code dataset.json}, {@code imagesTr}, {@code labelsTr}, 4D images. */
  MSD,
  /** nnU-Net v2's raw layout: {@code dataset.json} with {@code channel_names}, one file per channel. */
  NNUNET;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DatasetFormat fromId(String id) {
    for (DatasetFormat f : values()) {
      if (f.id().equals(id)) {
        return f;
      }
    }
    return null;
  }

  /**
   * Guesses the format of a path: a file is a manifest; a folder holding {@code manifest.csv} or
   * {@code manifest.tsv} is that manifest; a folder with {@code dataset.json} is nnU-Net's (when it
   * names {@code channel_names}) or the Decathlon's; a folder with {@code participants.tsv} or
   * {@code sub-*} folders is BIDS; otherwise a folder of case folders is BraTS. Null when the path
   * does not exist.
   */
  public static DatasetFormat detect(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return MANIFEST;
    }
    if (!Files.isDirectory(path)) {
      return null;
    }
    if (manifestIn(path) != null) {
      return MANIFEST;
    }
    if (Files.isRegularFile(path.resolve(DecathlonReader.DATASET_JSON))) {
      try {
        return DecathlonReader.isNnunet(path) ? NNUNET : MSD;
      } catch (IOException e) {
        return MSD; // the reader reports the broken file
      }
    }
    if (Files.isRegularFile(path.resolve(BidsReader.PARTICIPANTS))) {
      return BIDS;
    }
    try (Stream<Path> s = Files.list(path)) {
      return s.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("sub-")) ? BIDS : BRATS;
    }
  }

  /** The manifest file inside a folder ({@code manifest.csv}, then {@code manifest.tsv}), or null. */
  public static Path manifestIn(Path folder) {
    for (String name : new String[] {"manifest.csv", "manifest.tsv"}) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return folder.resolve(name);
      }
    }
    return null;
  }
}
