package org.brainbench.harness.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardware class decides which baseline a comparison uses, so two machines of one kind must get
 * one name; the commit in a row's provenance must be found wherever the code was checked out.
 */
class EnvironmentTest {
  private static final String EPYC = """
      processor	: 0
      vendor_id	: AuthenticAMD
      cpu family	: 26
      model		: 2
      model name	: AMD EPYC 9B45
      flags		: fpu vme sse4_2 avx2 avx512f avx512vl
      
      processor	: 1
      vendor_id	: GenuineIntel
      cpu family	: 6
      model		: 85
      flags		: fpu sse4_2 avx2
      """;

  @Test
  void cpuClassIsVendorFamilyModelAndWidestVectorUnitOfTheFirstProcessor() {
    assertEquals("cpu/AuthenticAMD-26-2/avx512", Environment.cpuClass(EPYC));
    assertEquals("cpu/GenuineIntel-6-79/avx2", Environment.cpuClass("vendor_id : GenuineIntel\ncpu family : 6\nmodel : 79\nflags : sse4_2 avx avx2\n"));
    // a model name differing only in its marketing string is the same class
    assertEquals(Environment.cpuClass(EPYC), Environment.cpuClass(EPYC.replace("AMD EPYC 9B45", "AMD EPYC 9B45 96-Core Processor")));
  }

  @Test
  void withoutCpuinfoTheClassIsTheArchitecture() {
    assertEquals("cpu/" + System.getProperty("os.arch") + "/base", Environment.cpuClass(null));
  }

  @Test
  void gpuClassIsTheModelAndDriverFromTheNvidiaProcFiles() {
    String info = "Model: \t\t NVIDIA H100 80GB HBM3\nIRQ:   123\nBus Type: PCIe\n";
    assertEquals("gpu/NVIDIA-H100-80GB-HBM3/driver-550.54.15", Environment.gpuClass("gpu(0)", info,
        "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\nGCC version:  gcc 12\n"));
    assertEquals("gpu/NVIDIA-H200/driver-570.86.15", Environment.gpuClass("gpu", "Model: NVIDIA H200\n",
        "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build\n"));
    assertEquals("gpu/gpu(0)", Environment.gpuClass("gpu(0)", null, null));
  }

  @Test
  void thisMachineHasAClass() {
    assertTrue(Environment.hardwareClass("cpu").startsWith("cpu/"));
  }

  @Test
  void theCommitIsFoundInACloneAndInALinkedWorktree(@TempDir Path dir) throws IOException {
    String main = "1111111111111111111111111111111111111111";
    String feature = "2222222222222222222222222222222222222222";
    Path git = Files.createDirectories(dir.resolve("repo/.git"));
    Files.writeString(git.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(git.resolve("packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n" + main + " refs/heads/main\n");
    Files.createDirectories(git.resolve("refs/heads"));
    Files.writeString(git.resolve("refs/heads/feature"), feature + "\n");
    assertEquals(main, Environment.gitCommit(Files.createDirectories(dir.resolve("repo/harness/cli"))));

    // git worktree add ../wt feature: .git is a file, the branch lives in the main repository
    Path wtGit = Files.createDirectories(git.resolve("worktrees/wt"));
    Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/feature\n");
    Files.writeString(wtGit.resolve("commondir"), "../..\n");
    Path wt = Files.createDirectories(dir.resolve("wt"));
    Files.writeString(wt.resolve(".git"), "gitdir: " + wtGit + "\n");
    assertEquals(feature, Environment.gitCommit(wt));
    // a detached worktree, its .git naming the git folder relatively
    Files.writeString(wtGit.resolve("HEAD"), main + "\n");
    Files.writeString(wt.resolve(".git"), "gitdir: ../repo/.git/worktrees/wt\n");
    assertEquals(main, Environment.gitCommit(wt));
  }
}
