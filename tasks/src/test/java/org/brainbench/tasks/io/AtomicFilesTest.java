package org.brainbench.tasks.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is replaced whole or not at all; a write that fails says which file and that the old one stands. */
class AtomicFilesTest {
  @TempDir Path dir;

  private static long leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  @Test
  void aFailedWriteLeavesThePreviousFileAndNamesTheTarget() throws IOException {
    Path target = dir.resolve("results.jsonl");
    AtomicFiles.writeString(target, "complete\n");
    IOException e = catchThrowableOfType(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write("half".getBytes());
      throw new IOException("No space left on device");
    }));
    assertThat(e).hasMessage(target + ": could not be written (No space left on device); the previous file is unchanged");
    assertThat(target).hasContent("complete");
    assertThat(leftovers(dir)).isZero();
  }

  /** A real full disk: a 64 KiB tmpfs (needs root and mount, as in CI; skipped elsewhere). */
  @Test
  void aFullDiskLeavesThePreviousFile() throws Exception {
    Path mnt = Files.createDirectories(dir.resolve("small"));
    boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()).redirectErrorStream(true).start()
        .waitFor() == 0;
    assumeTrue(mounted, "cannot mount a tmpfs here (not root, or no mount)");
    try {
      Path target = mnt.resolve("entry.bbv");
      AtomicFiles.write(target, out -> out.write(new byte[40 * 1024]));
      IOException e = catchThrowableOfType(IOException.class, () -> AtomicFiles.write(target, out -> out.write(new byte[60 * 1024])));
      assertThat(e).hasMessageStartingWith(target + ": could not be written (").hasMessageEndingWith("the previous file is unchanged");
      assertThat(Files.size(target)).isEqualTo(40 * 1024);
      assertThat(leftovers(mnt)).isZero();
    } finally {
      new ProcessBuilder("umount", mnt.toString()).start().waitFor();
    }
  }
}
