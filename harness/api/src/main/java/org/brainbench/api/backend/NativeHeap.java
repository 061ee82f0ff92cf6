package org.brainbench.api.backend;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Hands memory that native code freed back to the operating system (glibc's {@code malloc_trim}).
 * ND4J and libtorch allocate their arrays with malloc; after a model is closed its gigabytes are
 * free inside glibc's heap but stay resident, so a process that trains several models in turn grew
 * cell by cell (DL4J, measured: 1.5 GB after the first quickstart model, 3.7 GB after the eighth;
 * with a trim after each, 0.3-1.2 GB between models). The launchers also tell glibc to keep freed
 * memory while a model trains (docs/performance.md: re-faulting it cost DJL up to 38 % of a
 * step), so backends call this when a model closes. A no-op where glibc is not there.
 */
public final class NativeHeap {
  private interface LibC extends Library {
    int malloc_trim(long pad);
  }

  private static final LibC LIBC = load();

  private NativeHeap() {}

  private static LibC load() {
    try {
      return System.getProperty("os.name", "").startsWith("Linux") ? Native.load("c", LibC.class) : null;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /** Returns free native heap memory to the system; true if glibc trimmed anything. */
  public static boolean trim() {
    if (LIBC == null) {
      return false;
    }
    try {
      return LIBC.malloc_trim(0) == 1;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false;
    }
  }
}
