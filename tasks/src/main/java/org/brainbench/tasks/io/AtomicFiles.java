package org.brainbench.tasks.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that readers see either the old file or the complete new one, never a part: the
 * bytes go to a hidden temp file in the same folder, which is then renamed over the target.
 * Unlike {@link Files#createTempFile}, the temp file gets the usual permissions (umask), so
 * results and datasets stay readable by others.
 */
public final class AtomicFiles {
  /** Writes the content of a file. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * @throws IOException naming the target when the bytes cannot be written (a full disk, a
   *     quota): the target is then as it was, and no temp file is left
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        writer.write(out);
      } catch (IOException e) {
        throw new IOException(target + ": could not be written (" + e.getMessage() + "); "
            + (Files.exists(target) ? "the previous file is unchanged" : "nothing was written"), e);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static void writeString(Path target, String text) throws IOException {
    write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
