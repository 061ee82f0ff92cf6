package org.brainbench.cli.embed;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.Backends;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.run.Embedder;
import org.brainbench.harness.suite.Suite;
import org.brainbench.harness.suite.SuiteReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code embed SUITE.yaml --stage NAME|--cell ID --out FILE.csv SCAN...}: per-scan embeddings from a trained encoder. */
@Command(name = "embed", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class,
    description = {"Apply a pre-training stage or a cell's checkpoint from a results folder to NIfTI scans, preprocessed as the suite did,",
        "and write one row per scan: id (the file name without .nii/.nii.gz), path, e0 ... e<F-1> (what the model's task head reads).",
        "The CSV reads directly into pandas (pd.read_csv) and numpy (np.genfromtxt(..., delimiter=',', names=True))."})
public final class EmbedCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SUITE.yaml", description = "The suite the results were made from.")
  Path suiteFile;

  @Parameters(index = "1..*", paramLabel = "SCAN", arity = "1..*", description = "NIfTI files (.nii, .nii.gz), one single-channel scan each.")
  List<Path> scans;

  static final class Which {
    @Option(names = "--stage", paramLabel = "NAME", description = "A pre-training stage, in the downstream model's form.", required = true)
    String stage;

    @Option(names = "--cell", paramLabel = "ID", description = "A finished cell's checkpoint, e.g. ad-vs-cn/mt/djl/s1/f0/p1.", required = true)
    String cell;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  @Option(names = "--out", paramLabel = "FILE.csv", required = true, description = "Where to write the table (written whole, or not at all).")
  Path out;

  @Option(names = "--results", paramLabel = "DIR", description = "The results folder (default: results/<suite name>).")
  Path results;

  @Option(names = "--backend", paramLabel = "NAME", description = "A stage's backend (default: the suite's first; a cell's is its own).")
  String backend;

  @Option(names = "--seed", paramLabel = "N", description = "A stage's seed (default: the stage's own, else the suite's first).")
  Long seed;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "4", description = "Scans per forward pass (default: ${DEFAULT-VALUE}).")
  int batch;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Suite suite = SuiteReader.read(suiteFile);
    Path folder = results != null ? results : Path.of("results", suite.name());
    Embedder.Source source;
    if (which.stage != null) {
      String b = backend != null ? backend : suite.backends().get(0);
      source = Embedder.stage(suite, folder, which.stage, b, seed);
    } else {
      source = Embedder.cell(suite, folder, which.cell);
    }
    Backend be = Backends.find(source.backend());
    if (be == null) {
      throw new UserInputException("--backend: unknown backend \"" + source.backend() + "\"; available: " + Backends.ids());
    }
    List<Embedder.Row> rows = Embedder.embed(source, be, scans, Math.max(1, batch));
    Embedder.writeCsv(out, rows);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%s: %d scan(s) x %d features from %s on %s%n", out, rows.size(), rows.isEmpty() ? 0 : rows.get(0).embedding().length, source.description(),
        source.backend());
    w.flush();
    return Main.EXIT_OK;
  }
}
