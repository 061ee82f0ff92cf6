package org.brainbench.cli;

import java.io.PrintWriter;
import org.brainbench.cli.compare.CompareCommand;
import org.brainbench.cli.data.DataCommand;
import org.brainbench.cli.describe.DescribeCommand;
import org.brainbench.cli.inspect.InspectCommand;
import org.brainbench.cli.merge.MergeCommand;
import org.brainbench.cli.report.ReportCommand;
import org.brainbench.cli.score.ScoreCommand;
import org.brainbench.cli.suite.RunCommand;
import org.brainbench.cli.suite.ValidateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code brainbench} command line. Exit codes: 0 ok, 1 a check failed, 2 bad input or usage.
 * Errors are one line naming the file (and the path inside it); stack traces only with {@code
 * --debug}.
 */
@Command(
    name = "brainbench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Benchmarks and reproduces transfer learning for 3D brain MRI.",
    subcommands = {RunCommand.class, ValidateCommand.class, DescribeCommand.class, InspectCommand.class, DataCommand.class,
        ScoreCommand.class, ReportCommand.class, CompareCommand.class, MergeCommand.class, org.brainbench.cli.embed.EmbedCommand.class, org.brainbench.cli.predict.PredictCommand.class,
        org.brainbench.cli.parity.ParityCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_CHECK_FAILED = 1;
  public static final int EXIT_BAD_INPUT = 2;

  @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The harness version (from the jar manifest when packaged). */
  public static String version() {
    return VersionProvider.version();
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns the exit code (what tests call). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    Main main = new Main();
    CommandLine cli = new CommandLine(main);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(new ErrorHandler(main));
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("brainbench: " + ex.getMessage());
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
      return EXIT_BAD_INPUT;
    });
    return cli.execute(args);
  }
}
