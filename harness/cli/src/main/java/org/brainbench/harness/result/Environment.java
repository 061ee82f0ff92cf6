package org.brainbench.harness.result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Facts about the machine and checkout for provenance; each is null when it cannot be read. */
public final class Environment {
  private Environment() {}

  public static String java() {
    return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
  }

  public static String os() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
  }

  /** The CPU model and logical core count, from /proc/cpuinfo where available. */
  public static String cpu() {
    String model = null;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      model = null;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return (model == null ? System.getProperty("os.arch") : model) + ", " + cores + " logical cores";
  }

  /**
   * The commit checked out in the folder (or a parent), read from {@code .git} without running git;
   * suffixed {@code -dirty} is not attempted (that needs git), so this is the commit the code came
   * from.
   */
  public static String gitCommit(Path start) {
    Path dir = start.toAbsolutePath();
    while (dir != null) {
      Path git = dir.resolve(".git");
      if (Files.isDirectory(git)) {
        return commit(git);
      }
      dir = dir.getParent();
    }
    return null;
  }

  private static String commit(Path git) {
    try {
      String head = Files.readString(git.resolve("HEAD")).trim();
      if (!head.startsWith("ref: ")) {
        return head;
      }
      String ref = head.substring(5);
      Path loose = git.resolve(ref);
      if (Files.isRegularFile(loose)) {
        return Files.readString(loose).trim();
      }
      Path packed = git.resolve("packed-refs");
      if (Files.isRegularFile(packed)) {
        for (String line : Files.readAllLines(packed)) {
          if (line.endsWith(" " + ref)) {
            return line.substring(0, line.indexOf(' '));
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** Resets this process's peak resident memory (Linux: write 5 to /proc/self/clear_refs). */
  public static boolean resetPeakMemory() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Peak resident memory of this process in bytes (Linux VmHWM), or null. */
  public static Long peakRssBytes() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
      for (String line : lines) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
