package org.brainbench.tasks.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.brainbench.tasks.TaskType;

/** Reads a dataset in any supported format and validates it, failing with every problem found. */
public final class DatasetLoader {
  private DatasetLoader() {}

  public static Dataset load(DatasetSource source, TaskType type, DatasetValidator.Expectations expectations) throws IOException {
    List<DatasetProblem> problems = new ArrayList<>();
    Dataset dataset = read(source, type, problems);
    if (dataset != null) {
      problems.addAll(DatasetValidator.validate(dataset, expectations));
    }
    if (!problems.isEmpty()) {
      throw new DatasetException(problems);
    }
    return dataset;
  }

  /** Reads without validating files; row problems go to {@code problems}. */
  public static Dataset read(DatasetSource source, TaskType type, List<DatasetProblem> problems) throws IOException {
    Path path = source.path();
    DatasetFormat format = source.format() != null ? source.format() : DatasetFormat.detect(path);
    if (format == null) {
      problems.add(new DatasetProblem(path.toString(), "no such file or folder"));
      return null;
    }
    return switch (format) {
      case MANIFEST -> {
        Path manifest = path.toFile().isDirectory() ? DatasetFormat.manifestIn(path) : path;
        if (manifest == null) {
          problems.add(new DatasetProblem(path.toString(), "no manifest.csv or manifest.tsv in this folder"));
          yield null;
        }
        yield ManifestReader.read(manifest, source.name(), type, problems);
      }
      case BIDS -> BidsReader.read(path, source.name(), type, source.labelColumn(), source.targets(), problems);
      case BRATS -> BratsReader.read(path, source.name(), type, source.modalities(), problems);
      case BRATS2021 -> BratsReader.read(path, source.name(), type, source.modalities(), LabelConvention.BRATS2021, problems);
      case BRATS2023 -> BratsReader.read(path, source.name(), type, source.modalities(), LabelConvention.BRATS2023, problems);
      case MSD, NNUNET -> DecathlonReader.read(path, source.name(), type, problems);
    };
  }
}
