package org.brainbench.cli.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code data ...}: checking a dataset, and the built-in simulated one. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "Datasets: check one before a run, or make the built-in one (brains simulated on real anatomy).",
    subcommands = {CheckCommand.class, SynthCommand.class, TemplateCommand.class})
public final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
