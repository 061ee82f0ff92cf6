package org.brainbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.brainbench.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken suites, each made from one valid four-model suite (the quickstart's earlier
 * form, a test resource, so that editing the shipped quickstart cannot silently turn an edit here
 * into a no-op): each is rejected by {@code validate} with exit code 2, a message naming the file
 * and the path inside it, and no stack trace.
 */
public class BrokenSuitesTest {
  static final Path QUICKSTART = Path.of("../../suites/quickstart.yaml");
  static final Path BASE = Path.of("src/test/resources/four-models-suite.yaml");

  @TempDir Path dir;

  public record Result(int exit, String out, String err) {}

  public static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  static String quickstart() throws IOException {
    return Files.readString(BASE);
  }

  @Test
  void theQuickstartItselfIsValid() {
    Result r = cli("validate", QUICKSTART.toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).contains("21 cell(s)").contains("ad-vs-cn/sfcn/djl/s1/f0/p1").contains("tumour/vit-unetr/djl/s1/f0/p1");
  }

  @Test
  void theBaseOfTheBrokenSuitesIsValid() {
    Result r = cli("validate", BASE.toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).contains("12 cell(s)");
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        Arguments.of("empty file", (UnaryOperator<String>) s -> "", "empty suite file"),
        Arguments.of("only a comment", (UnaryOperator<String>) s -> "# nothing\n", "empty suite file"),
        Arguments.of("not YAML", (UnaryOperator<String>) s -> "name: [unclosed\ntasks: {", "not valid YAML (line"),
        Arguments.of("a list at the top", (UnaryOperator<String>) s -> "- 1\n- 2\n", "must be a mapping"),
        Arguments.of("a key given twice", (UnaryOperator<String>) s -> s + "\nname: other\n", "duplicate key name"),
        Arguments.of("unknown top-level key", (UnaryOperator<String>) s -> s + "\nepochz: 3\n", "epochz: unknown key"),
        Arguments.of("unknown key in training", (UnaryOperator<String>) s -> s.replace("  batchSize: 8", "  batchSize: 8\n  bachSize: 9"),
            "training.bachSize: unknown key"),
        Arguments.of("unknown model parameter", (UnaryOperator<String>) s -> s.replace("widthFactor: 0.25", "widthFactor: 0.25, depth: 3"),
            "models[0].params.depth: unknown parameter of cnn3d"),
        Arguments.of("wrong type", (UnaryOperator<String>) s -> s.replace("epochs: 20", "epochs: twenty"),
            "training.epochs: must be a whole number, got text \"twenty\""),
        Arguments.of("fraction as epochs", (UnaryOperator<String>) s -> s.replace("epochs: 20", "epochs: 2.5"),
            "training.epochs: must be a whole number"),
        Arguments.of("negative size", (UnaryOperator<String>) s -> s.replace("preprocess: {shape: 32,", "preprocess: {shape: -32,"),
            "preprocess.shape"),
        Arguments.of("zero batch size", (UnaryOperator<String>) s -> s.replace("batchSize: 8", "batchSize: 0"),
            "training.batchSize: must be in [1, 4096], got 0"),
        Arguments.of("zero width", (UnaryOperator<String>) s -> s.replace("widthFactor: 0.25", "widthFactor: 0"),
            "models[0].params: widthFactor must be in (0, 8], got 0.0"),
        Arguments.of("negative learning rate", (UnaryOperator<String>) s -> s.replace("learningRate: 0.003", "learningRate: -0.003"),
            "training.learningRate: must be > 0"),
        Arguments.of("unknown model", (UnaryOperator<String>) s -> s.replace("- id: cnn3d", "- id: resnet9000"),
            "models[0].id: unknown model \"resnet9000\""),
        Arguments.of("unknown task type", (UnaryOperator<String>) s -> s.replace("type: regress", "type: regression"),
            "tasks[1].type: unknown task type \"regression\""),
        Arguments.of("unknown backend", (UnaryOperator<String>) s -> s.replace("backends: [djl]", "backends: [djl, tensorflow]"),
            "backends[1]: unknown backend \"tensorflow\""),
        Arguments.of("unknown metric", (UnaryOperator<String>) s -> s.replace("metrics: [mae, r2, pearson]", "metrics: [mae, accuracy]"),
            "tasks[1].metrics[1]: unknown metric \"accuracy\" for regress"),
        Arguments.of("unknown dataset", (UnaryOperator<String>) s -> s.replace("dataset: age", "dataset: ages"),
            "tasks[1].dataset: unknown dataset \"ages\""),
        Arguments.of("missing file", (UnaryOperator<String>) s -> s.replace("age: builtin:regress", "age: data/does-not-exist.csv"),
            "datasets.age: no such file or folder"),
        Arguments.of("unknown built-in", (UnaryOperator<String>) s -> s.replace("builtin:segment", "builtin:segmentation"),
            "unknown built-in dataset"),
        Arguments.of("classify without classes", (UnaryOperator<String>) s -> s.replace("    classes: [CN, AD]\n", ""),
            "tasks[0].classes: a classify task lists its classes"),
        Arguments.of("duplicate task name", (UnaryOperator<String>) s -> s.replace("name: brain-age", "name: ad-vs-cn"),
            "tasks[1].name: duplicate task name"),
        Arguments.of("missing name", (UnaryOperator<String>) s -> s.replace("name: quickstart\n", ""), "name: is required"),
        Arguments.of("no tasks", (UnaryOperator<String>) s -> s.substring(0, s.indexOf("tasks:")) + s.substring(s.indexOf("models:")),
            "tasks: is required"),
        Arguments.of("label fraction above 1", (UnaryOperator<String>) s -> s + "\nlabelFractions: [0.5, 1.5]\n",
            "labelFractions[1]: must be > 0 and <= 1, got 1.5"),
        Arguments.of("warm-up longer than training", (UnaryOperator<String>) s -> s.replace("warmupEpochs: 1", "warmupEpochs: 50"),
            "warmupEpochs must be in [0, epochs]"),
        Arguments.of("unknown schedule", (UnaryOperator<String>) s -> s.replace("  warmupEpochs: 1\n", "  warmupEpochs: 1\n  schedule: exponential\n"),
            "training.schedule: must be one of [cosine, step, linear], got \"exponential\""),
        Arguments.of("step factor above 1", (UnaryOperator<String>) s -> s.replace("  warmupEpochs: 1\n", "  warmupEpochs: 1\n  schedule: step\n  stepGamma: 1.5\n"),
            "training.stepGamma: must be"),
        Arguments.of("random search without a trial count", (UnaryOperator<String>) s -> s + "\ntune: {search: random, learningRate: [0.0001, 0.01]}\n",
            "tune.trials: is required for a random search"),
        Arguments.of("grid whose trial count is not its size", (UnaryOperator<String>) s -> s + "\ntune: {trials: 3, learningRate: [0.0001, 0.01]}\n",
            "tune.trials: a grid of these values has 2 trials, got 3"),
        Arguments.of("random range upside down", (UnaryOperator<String>) s -> s + "\ntune: {search: random, trials: 2, learningRate: [0.01, 0.0001]}\n",
            "tune.learningRate: low must not exceed high"),
        Arguments.of("tuning a task without validation subjects", (UnaryOperator<String>) s -> s.replace("test: 0.25, validation: 0.2, stratify: class", "test: 0.25, validation: 0, stratify: class") + "\ntune: {learningRate: [0.0001, 0.01]}\n",
            "tune: trials are scored on validation subjects"),
        Arguments.of("a negative split seed", (UnaryOperator<String>) s -> s.replace("test: 0.25, validation: 0.2, stratify: class", "test: 0.25, validation: 0.2, stratify: class, seed: -1"),
            "split.seed"),
        Arguments.of("segmentation grid not divisible", (UnaryOperator<String>) s -> s.replace("preprocess: {shape: 32,", "preprocess: {shape: 40,"),
            "slice-cnn: axial slices are 40 voxels wide; segmentation needs multiples of 16"),
        Arguments.of("init from an unknown stage", (UnaryOperator<String>) s -> s.replace("init: pretrained:mt-pretrain", "init: pretrained:nope"),
            "models[1].init: no stage named \"nope\""),
        Arguments.of("stage of another model", (UnaryOperator<String>) s -> s.replace("{name: mt-pretrain, model: medical-transformer", "{name: mt-pretrain, model: slice-cnn"),
            "stage \"mt-pretrain\" pre-trains slice-cnn, not medical-transformer"),
        Arguments.of("stage objective the model lacks", (UnaryOperator<String>) s -> s.replace("{name: mt-pretrain, model: medical-transformer,",
            "{name: mt-pretrain, model: medical-transformer, objective: triplet,"),
            "stages[0].objective: must be one of [masked-encoding] for medical-transformer (ema), got \"triplet\""),
        Arguments.of("stage starts from a missing stage", (UnaryOperator<String>) s -> s.replace("{name: mt-pretrain, model: medical-transformer,",
            "{name: mt-pretrain, model: medical-transformer, init: \"pretrained:nope\","),
            "stages[0].init: no stage named \"nope\""),
        Arguments.of("stages start from each other", (UnaryOperator<String>) s -> s.replace("{name: mt-pretrain, model: medical-transformer,",
            "{name: mt-pretrain, model: medical-transformer, init: \"pretrained:mt-again\",")
            .replace("  - {name: vit-pretrain,", "  - {name: mt-again, model: medical-transformer, dataset: healthy, init: \"pretrained:mt-pretrain\"}\n  - {name: vit-pretrain,"),
            "stages[0].init: the stages start from each other in a cycle: mt-pretrain -> mt-again -> mt-pretrain"),
        Arguments.of("stage starts from another model's stage", (UnaryOperator<String>) s -> s.replace("{name: mt-pretrain, model: medical-transformer,",
            "{name: mt-pretrain, model: medical-transformer, init: \"pretrained:vit-pretrain\","),
            "stage \"vit-pretrain\" pre-trains inflated-vit, not medical-transformer"),
        Arguments.of("unknown fine-tuning mode", (UnaryOperator<String>) s -> s.replace("init: pretrained:mt-pretrain", "init: pretrained:mt-pretrain\n    finetune: partly"),
            "models[1].finetune: must be one of [full, frozen-encoder, head-only, linear-probe]"),
        Arguments.of("regions on a classify task", (UnaryOperator<String>) s -> s.replace("    classes: [CN, AD]\n", "    classes: [CN, AD]\n    regions: brats2021\n"),
            "tasks[0].regions: only segment tasks have regions"),
        Arguments.of("regions of labels the task lacks", (UnaryOperator<String>) s -> s.replace("    labels: [1, 2, 4]", "    labels: [1, 2, 4]\n    regions: brats2023"),
            "tasks[2].regions: brats2023 regions are made of the labels [1, 2, 3], which the task's labels [1, 2, 4] do not all hold"),
        Arguments.of("unknown regions", (UnaryOperator<String>) s -> s.replace("    labels: [1, 2, 4]", "    labels: [1, 2, 4]\n    regions: brats2019"),
            "tasks[2].regions: must be one of [brats2021, brats2023, msd, none]"),
        Arguments.of("exclude names an unknown model", (UnaryOperator<String>) s -> s + "\nexclude:\n  - {model: vit}\n",
            "exclude[0].model: no model named \"vit\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void isRejectedWithItsPath(String what, UnaryOperator<String> edit, String expected) throws IOException {
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, edit.apply(quickstart()), StandardCharsets.UTF_8);
    Result r = cli("validate", suite.toString());
    assertThat(r.exit).as(r.out + r.err).isEqualTo(2);
    assertThat(r.err).contains(suite.toString() + ": ").contains(expected);
    assertThat(r.err).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** A problem is reported where it is, once: an invalid builtin: section does not also make its datasets and their tasks unknown. */
  @Test
  void anInvalidBuiltinSectionIsOneProblemNotThree() throws IOException {
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, quickstart().replace("builtin: {shape: 48,", "builtin: {shape: 4,"), StandardCharsets.UTF_8);
    Result r = cli("validate", suite.toString());
    assertThat(r.exit).as(r.out + r.err).isEqualTo(2);
    assertThat(r.err).contains("invalid suite (1 problem)").contains("builtin.shape: must be in [8, 512], got 4")
        .doesNotContain("no builtin: section").doesNotContain("unknown dataset");
  }

  @Test
  void anchorsAliasesAndScientificNotationAreFine() throws IOException {
    Path suite = dir.resolve("suite.yaml");
    String text = quickstart()
        .replace("params: {protocol: ema, encoderChannels: [8, 16, 32, 32], embedDim: 64, depth: 2, heads: 4, dropout: 0.1}",
            "params: &mt {protocol: ema, encoderChannels: [8, 16, 32, 32], embedDim: 64, depth: 2, heads: 4, dropout: 0.1}")
        .replace("learningRate: 0.003\n", "learningRate: 3e-3\n")
        + "\nexclude:\n  - {model: medical-transformer, task: tumour}\n";
    Files.writeString(suite, text.replace("  - id: slice-cnn\n", "  - name: mt-again\n    id: medical-transformer\n    params: *mt\n  - id: slice-cnn\n"));
    Result r = cli("validate", suite.toString());
    assertThat(r.exit).as(r.err).isZero();
    assertThat(r.out).contains("ad-vs-cn/mt-again/djl/s1/f0/p1");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    Path suite = dir.resolve("suite.yaml");
    Files.writeString(suite, quickstart().replace("epochs: 20", "epochs: 0").replace("- id: cnn3d", "- id: nope")
        .replace("backends: [djl]", "backends: [djl, nope]"));
    Result r = cli("validate", suite.toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("4 problems").contains("training.epochs: must be in [1, 100000], got 0")
        .contains("overrides[1].training.epochs")
        .contains("models[0].id").contains("backends[1]");
  }

  @Test
  void aMissingSuiteFileIsBadInput() {
    Result r = cli("validate", dir.resolve("nope.yaml").toString());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err).contains("nope.yaml: no such file");
  }
}
