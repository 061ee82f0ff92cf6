package org.brainbench.cli.data;

import picocli.CommandLine.Command;

/** {@code data ...}: the built-in simulated dataset. */
@Command(name = "data", description = "Built-in data: simulate subjects on real anatomy.", subcommands = {})
public final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
