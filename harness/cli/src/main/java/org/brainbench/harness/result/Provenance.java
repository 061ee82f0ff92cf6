package org.brainbench.harness.result;

/**
 * Where and how a row was made (Tribuo's provenance, in the row): what decided the result
 * ({@code configHash}, {@code datasetHash}, {@code splitHash}, the suite file's {@code suiteHash}),
 * what ran it (versions, machine, device, threads, and the class of machines whose rounding it
 * shares: {@code hardwareClass}) and when. Fields are null until known: a cell that
 * failed before it started training has only its times.
 */
public record Provenance(
    String configHash,
    String suiteHash,
    String gitCommit,
    String harnessVersion,
    String backendVersion,
    String nativeVersion,
    String java,
    String os,
    String cpu,
    String gpu,
    String device,
    Integer threads,
    String datasetHash,
    String splitHash,
    String startedAt,
    String finishedAt,
    String hardwareClass) {
  public static Provenance empty() {
    return new Provenance(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Whether the run's configuration was recorded (then every field is written, nulls too). */
  public boolean recorded() {
    return configHash != null;
  }

  public Provenance withThreads(int t) {
    return new Provenance(configHash, suiteHash, gitCommit, harnessVersion, backendVersion, nativeVersion, java, os, cpu, gpu, device, t, datasetHash,
        splitHash, startedAt, finishedAt, hardwareClass);
  }

  public Provenance withTimes(String started, String finished) {
    return new Provenance(configHash, suiteHash, gitCommit, harnessVersion, backendVersion, nativeVersion, java, os, cpu, gpu, device, threads,
        datasetHash, splitHash, started, finished, hardwareClass);
  }
}
