package org.brainbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: output, exit codes, one-line errors without stack traces. */
class CliTest {
  static final Path CORPUS = Path.of("../../tasks/src/test/resources/nifti-corpus");

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void inspectPrintsOneJsonObjectPerFile() throws Exception {
    Result r = run("inspect", CORPUS.resolve("real_ch2bet_down6.nii.gz").toString(), CORPUS.resolve("fmt_nifti2.nii").toString());
    assertThat(r.exit).isZero();
    List<String> lines = r.out.lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("format").asText()).isEqualTo("nifti1");
    assertThat(first.get("datatype").asText()).isEqualTo("uint8");
    assertThat(first.get("affine")).hasSize(4);
    assertThat(first.get("nanCount").asLong()).isZero();
    assertThat(new ObjectMapper().readTree(lines.get(1)).get("format").asText()).isEqualTo("nifti2");
  }

  @Test
  void inspectReportsBrokenFilesAsJsonAndExitsTwo() throws Exception {
    Result r = run("inspect", CORPUS.resolve("bad/truncated_data.nii").toString(), CORPUS.resolve("fmt_nifti1.nii").toString(), "no-such.nii");
    assertThat(r.exit).isEqualTo(2);
    List<String> lines = r.out.lines().toList();
    assertThat(lines).hasSize(3);
    JsonNode bad = new ObjectMapper().readTree(lines.get(0));
    assertThat(bad.get("error").asText()).contains("truncated");
    assertThat(new ObjectMapper().readTree(lines.get(1)).has("error")).isFalse();
    assertThat(new ObjectMapper().readTree(lines.get(2)).get("error").asText()).isEqualTo("no such file");
    assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void usageErrorsExitTwoWithoutStackTraces() {
    Result r = run("inspect");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("FILE").doesNotContain("\tat ");
    Result unknown = run("frobnicate");
    assertThat(unknown.exit).isEqualTo(2);
  }

  @Test
  void everyHelpPageRendersWithoutPicocliWarnings() {
    // A '%' that is not doubled in a description makes picocli print a warning instead of the text.
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true));
    List<String> pages = new java.util.ArrayList<>();
    try {
      java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(List.of(new picocli.CommandLine(new Main())));
      while (!todo.isEmpty()) {
        picocli.CommandLine c = todo.pop();
        pages.add(c.getUsageMessage());
        todo.addAll(c.getSubcommands().values());
      }
    } finally {
      System.setErr(original);
    }
    assertThat(pages).hasSizeGreaterThan(10);
    assertThat(captured.toString()).doesNotContain("picocli WARN");
    assertThat(String.join("\n", pages)).contains("5% relative");
  }

  @Test
  void dataCheckDescribesADatasetAndExitsTwoOnProblems(@TempDir Path dir) throws Exception {
    Path brain = CORPUS.resolve("real_ch2bet_down6.nii.gz").toAbsolutePath();
    Files.writeString(dir.resolve("manifest.csv"), "subject_id,image,age\ns1," + brain + ",61\ns2," + brain + ",70\n");
    Result r = run("data", "check", dir.toString(), "--json");
    assertThat(r.exit).as(r.err).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out);
    for (String key : List.of("format", "subjects", "scans", "modalities", "labels", "problems", "shapes", "voxelSizes", "orientations", "ages")) {
      assertThat(j.has(key)).as(key).isTrue();
    }
    assertThat(j.get("format").asText()).isEqualTo("manifest");
    assertThat(j.get("task").asText()).isEqualTo("regress");
    assertThat(j.get("scans").asInt()).isEqualTo(2);
    assertThat(j.get("problems")).isEmpty();
    Result text = run("data", "check", dir.toString(), "--stats");
    assertThat(text.out).contains("subjects 2, sessions 0, scans 2").contains("intensity down6: scan minimum 0.000").contains("a suite can use it");

    Files.writeString(dir.resolve("manifest.csv"), "subject_id,image,age\ns1," + brain + ",61\ns2,missing.nii.gz,70\n");
    Result bad = run("data", "check", dir.toString());
    assertThat(bad.exit).isEqualTo(2);
    assertThat(bad.out).contains("1 problem(s)").contains("missing.nii.gz");
    assertThat(bad.err).doesNotContain("\tat ");
    assertThat(run("data", "check", dir.toString(), "--task", "pretrain").exit).isEqualTo(2);
  }

  @Test
  void synthRejectsBadSettingsClearly() {
    Result r = run("data", "synth", "--out", "x", "--tasks", "classify,dance");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("--tasks").contains("dance").doesNotContain("\tat ");
    Result shape = run("data", "synth", "--out", "x", "--shape", "64x0x64");
    assertThat(shape.exit).isEqualTo(2);
    assertThat(shape.err).contains("shape");
  }

  @Test
  void synthWritesManifestsAndImages(@TempDir Path dir) throws Exception {
    Result r = run("data", "synth", "--out", dir.toString(), "--tasks", "regress", "--subjects", "3", "--shape", "16", "--threads", "1");
    assertThat(r.exit).as(r.err).isZero();
    List<String> manifest = Files.readAllLines(dir.resolve("regress/manifest.csv"));
    assertThat(manifest.get(0)).startsWith("subject_id,session,image,age");
    assertThat(manifest.size()).isGreaterThanOrEqualTo(4);
    String image = manifest.get(1).split(",")[2];
    Result inspect = run("inspect", dir.resolve("regress").resolve(image).toString());
    assertThat(inspect.exit).isZero();
    assertThat(new ObjectMapper().readTree(inspect.out).get("shape").toString()).isEqualTo("[16,16,16]");
    assertThat(dir.resolve("synth.json")).exists();
  }
}
