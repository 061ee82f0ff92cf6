package org.brainbench.backend.dl4j;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Drops the "Added differentiated op ..." lines that SameDiff 1.0.0-M2.1 prints to stdout from a
 * hard-coded println while it builds a gradient function (one per op: hundreds per model), which
 * would otherwise bury the CLI's output. Every other line is passed through unchanged.
 */
final class QuietStdout {
  private static final String NOISE = "Added differentiated op";

  private QuietStdout() {}

  static synchronized void run(Runnable action) {
    PrintStream original = System.out;
    System.setOut(new PrintStream(new LineFilter(original), true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.out.flush();
      System.setOut(original);
    }
  }

  private static final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFilter(PrintStream target) {
      this.target = target;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        emit();
      }
    }

    @Override
    public void flush() {
      if (line.size() > 0 && !line.toString(StandardCharsets.UTF_8).startsWith(NOISE)) {
        emit();
      }
      target.flush();
    }

    private void emit() {
      String s = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (!s.startsWith(NOISE)) {
        target.print(s);
      }
    }
  }
}
