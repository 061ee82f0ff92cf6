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
   * The class of machines whose float arithmetic a result can be expected to repeat on. For the CPU:
   * its vendor, family and model (as /proc/cpuinfo gives them) and its widest SIMD extension (what
   * decides the kernels oneDNN and MKL choose), e.g. {@code cpu/AuthenticAMD-26-2/avx512}. For an
   * NVIDIA GPU: its model and the driver's version, e.g. {@code gpu/NVIDIA-H100-80GB-HBM3/driver-550.54.15}
   * (the CUDA and cuDNN the backend loaded are in {@code nativeVersion}). Two machines of one class
   * run the same kernels; results of different classes differ in rounding (docs/reproducibility.md).
   */
  public static String hardwareClass(String device) {
    if (device != null && !device.isBlank() && !device.equalsIgnoreCase("cpu") && !device.equalsIgnoreCase("none")) {
      return gpuClass(device, readFirstGpuInformation(), read(Path.of("/proc/driver/nvidia/version")));
    }
    return cpuClass(read(Path.of("/proc/cpuinfo")));
  }

  /** The CPU class from /proc/cpuinfo's text (its first processor), or the JVM's architecture without it. */
  static String cpuClass(String cpuinfo) {
    String vendor = null;
    String family = null;
    String model = null;
    String flags = "";
    for (String line : cpuinfo == null ? List.<String>of() : cpuinfo.lines().toList()) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        if (vendor != null) {
          break; // the first processor is enough
        }
        continue;
      }
      String value = line.substring(colon + 1).trim();
      switch (line.substring(0, colon).trim().toLowerCase(Locale.ROOT)) {
        case "vendor_id" -> vendor = value;
        case "cpu family" -> family = value;
        case "model" -> model = value;
        case "flags" -> flags = " " + value + " ";
        default -> { }
      }
    }
    String simd = flags.contains(" avx512f ") ? "avx512" : flags.contains(" avx2 ") ? "avx2" : flags.contains(" sse4_2 ") ? "sse4.2" : "base";
    String cpu = vendor == null ? System.getProperty("os.arch") : vendor + "-" + family + "-" + model;
    return "cpu/" + cpu + "/" + simd;
  }

  /**
   * The GPU class from the NVIDIA driver's /proc files (a GPU's {@code information} and the driver's
   * {@code version}); without them, the device as the backend names it.
   */
  static String gpuClass(String device, String information, String version) {
    String model = null;
    for (String line : information == null ? List.<String>of() : information.lines().toList()) {
      if (line.startsWith("Model:")) {
        model = line.substring("Model:".length()).trim();
      }
    }
    String driver = null;
    if (version != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?([0-9][0-9.]*)").matcher(version);
      if (m.find()) {
        driver = m.group(1);
      }
    }
    String name = (model == null ? device : model).trim().replaceAll("\\s+", "-");
    return "gpu/" + name + (driver == null ? "" : "/driver-" + driver);
  }

  private static String readFirstGpuInformation() {
    Path gpus = Path.of("/proc/driver/nvidia/gpus");
    if (!Files.isDirectory(gpus)) {
      return null;
    }
    try (var dirs = Files.list(gpus)) {
      return dirs.sorted().map(d -> read(d.resolve("information"))).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The commit checked out in the folder (or a parent), read from {@code .git} without running git;
   * suffixed {@code -dirty} is not attempted (that needs git), so this is the commit the code came
   * from. A linked worktree's (or a submodule's) {@code .git} is a file naming its git folder, whose
   * branches live in the repository's common folder.
   */
  public static String gitCommit(Path start) {
    Path dir = start.toAbsolutePath();
    while (dir != null) {
      Path git = dir.resolve(".git");
      if (Files.isDirectory(git)) {
        return commit(git, git);
      }
      if (Files.isRegularFile(git)) {
        return linkedCommit(git);
      }
      dir = dir.getParent();
    }
    return null;
  }

  private static String linkedCommit(Path gitFile) {
    try {
      String line = Files.readString(gitFile).trim();
      if (!line.startsWith("gitdir: ")) {
        return null;
      }
      Path gitDir = gitFile.getParent().resolve(line.substring(8).trim()).normalize();
      Path commonFile = gitDir.resolve("commondir");
      Path common = Files.isRegularFile(commonFile) ? gitDir.resolve(Files.readString(commonFile).trim()).normalize() : gitDir;
      return commit(gitDir, common);
    } catch (IOException e) {
      return null;
    }
  }

  /** HEAD from {@code gitDir}; the branch it names from {@code gitDir} or, failing that, {@code common} (loose, then packed). */
  private static String commit(Path gitDir, Path common) {
    try {
      String head = Files.readString(gitDir.resolve("HEAD")).trim();
      if (!head.startsWith("ref: ")) {
        return head;
      }
      String ref = head.substring(5);
      for (Path git : gitDir.equals(common) ? List.of(gitDir) : List.of(gitDir, common)) {
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
