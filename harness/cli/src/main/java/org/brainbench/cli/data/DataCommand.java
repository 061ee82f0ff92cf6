package org.brainbench.cli.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code data ...}: the built-in simulated dataset. */
@Command(name = "data", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = "The built-in dataset: brains simulated on real anatomy.",
    subcommands = {SynthCommand.class, TemplateCommand.class})
public final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
