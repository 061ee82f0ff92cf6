package org.brainbench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.brainbench.harness.UserInputException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one-line messages and exit codes: bad input (a {@link UserInputException},
 * an unreadable or malformed file) exits 2; anything else is a failure of brainbench itself and
 * exits 1. The stack trace is printed only with {@code --debug}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
  private final Main main;

  ErrorHandler(Main main) {
    this.main = main;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
    Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
    boolean badInput = isBadInput(e);
    String message = message(e);
    if (e instanceof org.brainbench.harness.suite.SuiteException s) {
      cli.getErr().println("brainbench: invalid suite (" + s.problems().size() + (s.problems().size() == 1 ? " problem)" : " problems)"));
      message.lines().forEach(line -> cli.getErr().println("  " + line));
    } else {
      cli.getErr().println("brainbench: " + (badInput ? "" : "internal error: ") + message);
    }
    if (main.debug) {
      e.printStackTrace(cli.getErr());
    } else if (!badInput) {
      cli.getErr().println("(run with --debug for the stack trace)");
    }
    cli.getErr().flush();
    return badInput ? Main.EXIT_BAD_INPUT : Main.EXIT_CHECK_FAILED;
  }

  static boolean isBadInput(Throwable e) {
    return e instanceof UserInputException || e instanceof IOException || e instanceof org.brainbench.harness.suite.SuiteException;
  }

  static String message(Throwable e) {
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
