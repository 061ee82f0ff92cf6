package org.brainbench.cli.merge;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.harness.result.ResultsFile;
import org.brainbench.harness.result.ShardMerge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code merge DIR... --out DIR}: joins the results of {@code run --shard}. */
@Command(name = "merge", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Join shards' results folders (rows, predictions, checkpoints, stages) into one; rejects duplicate cells and mixed suites.")
public final class MergeCommand implements Callable<Integer> {
  @Parameters(paramLabel = "DIR", arity = "1..*", description = "The shards' results folders.")
  List<Path> shards;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "A new folder for the merged results.")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    int n = ShardMerge.merge(shards, out);
    spec.commandLine().getOut().printf("merged %d row(s) from %d shard(s) into %s%n", n, shards.size(), out.resolve(ResultsFile.NAME));
    spec.commandLine().getOut().flush();
    return Main.EXIT_OK;
  }
}
