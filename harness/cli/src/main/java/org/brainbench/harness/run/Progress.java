package org.brainbench.harness.run;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long step: a live progress bar (with ETA) on a terminal; on anything else (CI logs,
 * pipes) plain lines at every 10%, so logs stay readable.
 */
public abstract class Progress implements AutoCloseable {
  /** Starts progress for {@code total} units, on stderr. */
  public static Progress start(String task, long total) {
    return System.console() != null ? new Bar(task, total) : new Lines(task, total, System.err);
  }

  /** Sets the number of units done (thread-safe, never goes backwards). */
  public abstract void stepTo(long done);

  /** A short status shown beside the bar (e.g. the current loss). */
  public abstract void setExtra(String extra);

  @Override
  public abstract void close();

  private static final class Bar extends Progress {
    private final ProgressBar bar;

    Bar(String task, long total) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
          .setUpdateIntervalMillis(250).showSpeed().setMaxRenderedLength(110).continuousUpdate().build();
    }

    @Override
    public synchronized void stepTo(long done) {
      if (done > bar.getCurrent()) {
        bar.stepTo(done);
      }
    }

    @Override
    public void setExtra(String extra) {
      bar.setExtraMessage(extra);
    }

    @Override
    public void close() {
      bar.close();
    }
  }

  private static final class Lines extends Progress {
    private final String task;
    private final long total;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDecile = -1;
    private long lastPrint;
    private long done;
    private String extra = "";

    Lines(String task, long total, PrintStream out) {
      this.task = task;
      this.total = Math.max(1, total);
      this.out = out;
    }

    @Override
    public synchronized void stepTo(long now) {
      if (now <= done) {
        return;
      }
      done = now;
      long decile = done * 10 / total;
      long now2 = System.nanoTime();
      boolean due = now2 - lastPrint >= 10_000_000_000L || done >= total;
      if (decile != lastDecile && due) {
        lastDecile = decile;
        lastPrint = now2;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        long etaSeconds = done == 0 ? 0 : elapsed.toSeconds() * (total - done) / done;
        out.printf("%s: %d/%d (%d%%), %ds elapsed, ETA %ds%s%n", task, done, total, done * 100 / total,
            elapsed.toSeconds(), etaSeconds, extra.isEmpty() ? "" : ", " + extra);
      }
    }

    @Override
    public synchronized void setExtra(String extra) {
      this.extra = extra;
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
