package org.brainbench.cli.predict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.result.ResultRow;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.run.Embedder;
import org.brainbench.harness.run.Predictor;
import org.brainbench.harness.run.SuiteRunner;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code predict RESULTS_DIR --cell ID SCAN... --out DIR}: a trained cell applied to new scans. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class,
    description = {"Apply a finished cell to new scans, preprocessed as its suite did.",
        "classify/regress: DIR/predictions.csv (subject_id,prediction[,p_<class>...]), the CSV that score reads.",
        "segment: DIR/<scan>.nii.gz label maps on each scan's own grid and affine (nearest neighbour).",
        "A scan is one file, or its channels joined by commas in the suite's order (t1.nii.gz,t1ce.nii.gz,...)."})
public final class PredictCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "The folder run wrote (results.jsonl, checkpoints/, suite.yaml).")
  Path results;

  @Parameters(index = "1..*", paramLabel = "SCAN", arity = "1..*", description = "NIfTI scans: a file, or channel files joined by commas.")
  List<String> scans;

  @Option(names = "--cell", required = true, paramLabel = "ID", description = "The cell, e.g. tumour/cnn3d/djl/s1/f0/p1.")
  String cell;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new (or empty) folder for the predictions.")
  Path out;

  @Option(names = "--suite", paramLabel = "FILE", description = "The suite the results came from (default: RESULTS_DIR/suite.yaml, which run writes).")
  Path suiteFile;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "2", description = "Scans per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path file = suiteFile != null ? suiteFile : results.resolve(SuiteRunner.SUITE_COPY);
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(file + ": not found; results made before run kept a copy of the suite need --suite FILE");
    }
    Suite suite = SuiteReader.read(file);
    ResultRow row = ResultsFile.open(results).rows().stream().filter(r -> r.cell().equals(cell)).findFirst().orElse(null);
    String hash = org.brainbench.harness.run.Hashes.sha256(Files.readAllBytes(file));
    if (row != null && row.provenance() != null && row.provenance().suiteHash() != null && !row.provenance().suiteHash().isEmpty()
        && !row.provenance().suiteHash().equals(hash)) {
      throw new UserInputException(file + ": not the suite that made " + cell + " (its row records suite hash " + row.provenance().suiteHash().substring(0, 12)
          + "...); give the right one with --suite");
    }
    Embedder.Source source = Embedder.cell(suite, results, cell);
    Backend backend = Backends.find(source.backend());
    if (backend == null) {
      throw new UserInputException("--cell: backend \"" + source.backend() + "\" is not available; available: " + Backends.ids());
    }
    int n = Predictor.predict(source, backend, scans.stream().map(Predictor.Input::parse).toList(), out, Math.max(1, batch));
    spec.commandLine().getOut().printf("%s: %d scan(s) predicted by %s (%s)%n", out, n, cell, source.task().type().id());
    return Main.EXIT_OK;
  }
}
