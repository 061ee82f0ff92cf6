package org.brainbench.backend.dl4j;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Hands memory that native code freed back to the operating system (glibc's {@code malloc_trim}).
 * ND4J allocates its arrays with malloc; after a model is closed its gigabytes are free inside
 * glibc's arenas but stay resident, so a process that trains several models in turn grew cell by
 * cell (measured: 1.5 GB after the first quickstart model, 3.7 GB after the eighth; with a trim
 * after each, 0.3-1.2 GB between models). A no-op where glibc is not there.
 */
final class NativeHeap {
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
  static boolean trim() {
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
