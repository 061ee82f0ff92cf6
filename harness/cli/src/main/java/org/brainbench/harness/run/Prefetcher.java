package org.brainbench.harness.run;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Builds items 0..count-1 in order on one background thread, at most {@code ahead} of the one in
 * use: the batches a model trains or predicts on are read from the cache (and augmented) while it
 * works on the previous one, with memory bounded by {@code ahead} batches.
 */
final class Prefetcher<T> implements AutoCloseable {
  private final ExecutorService thread;
  private final IntFunction<T> build;
  private final int count;
  private final Deque<Future<T>> queue = new ArrayDeque<>();
  private int submitted;

  Prefetcher(String threadName, int ahead, int count, IntFunction<T> build) {
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    this.build = build;
    this.count = count;
    while (submitted < Math.min(ahead, count)) {
      submitNext();
    }
  }

  /** The next item, waiting for it if it is not built yet; starts building one more. */
  T next() {
    Future<T> f = queue.remove();
    if (submitted < count) {
      submitNext();
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Error err) {
        throw err;
      }
      throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
    }
  }

  private void submitNext() {
    int i = submitted++;
    queue.add(thread.submit(() -> build.apply(i)));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
