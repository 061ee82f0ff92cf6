package org.brainbench.cli.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.brainbench.cli.Main;
import org.brainbench.tasks.synth.TemplateBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code data template}: rebuilds the simulator's 2 mm anatomy from mricron-data's 1 mm files.
 * Maintainers only: the result is committed under tasks/src/main/resources.
 */
@Command(name = "template", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Rebuild the simulator's 2 mm template from Debian mricron-data (maintainers).")
public final class TemplateCommand implements Callable<Integer> {
  @Option(names = "--colin", paramLabel = "FILE", description = "Colin27 T1 (default: ${DEFAULT-VALUE}).")
  Path colin = Path.of("/usr/share/mricron/templates/ch2bet.nii.gz");

  @Option(names = "--aal", paramLabel = "FILE", description = "AAL atlas on the same grid (default: ${DEFAULT-VALUE}).")
  Path aal = Path.of("/usr/share/mricron/templates/aal.nii.gz");

  @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("tasks/src/main/resources/org/brainbench/tasks/synth");

  @Override
  public Integer call() throws IOException {
    TemplateBuilder.build(colin, aal, out);
    return Main.EXIT_OK;
  }
}
