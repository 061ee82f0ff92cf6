package org.brainbench.cli.describe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.brainbench.api.backend.Backend;
import org.brainbench.api.backend.BackendInfo;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Model;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.ParamDef;
import org.brainbench.api.model.TaskHead;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.harness.Json;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.suite.SuiteReference;
import org.brainbench.tasks.metric.MetricDefinition;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.ManifestReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code describe [models|tasks|metrics|backends] [--json]}: what exists, with options and defaults. */
@Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {"What exists: models (with parameters, defaults and parameter counts), tasks, metrics, backends.",
    "Parameter counts are for reference inputs: classify/regress 1x160x192x160 (UK Biobank, SFCN), 2 classes;",
    "segment 4 channels x 128^3 (BraTS), 4 classes."})
public final class DescribeCommand implements Callable<Integer> {
  static final List<TaskHead> REFERENCE_HEADS = List.of(
      TaskHead.classify(1, new int[] {160, 192, 160}, 2),
      TaskHead.regress(1, new int[] {160, 192, 160}),
      TaskHead.segment(4, new int[] {128, 128, 128}, 4));

  @Parameters(arity = "0..1", paramLabel = "WHAT", description = "models, tasks, metrics or backends (default: all).")
  String what;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Option(names = "--markdown", description = "models or metrics as the Markdown tables of the suite reference (docs/suites.md, docs/metrics.md).")
  boolean markdown;

  @Option(names = "--backend", paramLabel = "NAME", description = "Build each model on this backend and report its counts too.")
  String backend;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (what != null && !List.of("models", "tasks", "metrics", "backends").contains(what)) {
      throw new UserInputException("describe: unknown topic \"" + what + "\" (models, tasks, metrics, backends)");
    }
    Backend built = null;
    if (backend != null) {
      built = Backends.find(backend);
      if (built == null) {
        throw new UserInputException("--backend: unknown backend \"" + backend + "\"; available: " + Backends.ids());
      }
    }
    if (markdown) {
      if (!"models".equals(what) && !"metrics".equals(what)) {
        throw new UserInputException("describe --markdown: give models or metrics");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print("models".equals(what) ? SuiteReference.models() : SuiteReference.metrics());
      out.flush();
      return Main.EXIT_OK;
    }
    ObjectNode all = Json.mapper().createObjectNode();
    if (what == null || what.equals("models")) {
      all.set("models", models(built));
    }
    if (what == null || what.equals("tasks")) {
      all.set("tasks", tasks());
    }
    if (what == null || what.equals("metrics")) {
      all.set("metrics", metrics());
    }
    if (what == null || what.equals("backends")) {
      all.set("backends", backends());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.line(Json.mapper(), what == null ? all : (ObjectNode) Json.mapper().createObjectNode().set(what, all.get(what))));
    } else {
      printText(all, out);
    }
    out.flush();
    return Main.EXIT_OK;
  }

  private static ArrayNode models(Backend backend) {
    ArrayNode arr = Json.mapper().createArrayNode();
    for (ModelCatalog.Entry e : ModelCatalog.entries()) {
      ObjectNode m = arr.addObject();
      m.put("id", e.id());
      if (!e.protocol().isEmpty()) {
        m.put("protocol", e.protocol());
        m.put("defaultProtocol", e.defaultProtocol());
      }
      m.put("description", e.description());
      ArrayNode params = m.putArray("params");
      for (ParamDef p : e.params()) {
        ObjectNode o = params.addObject();
        o.put("name", p.name());
        o.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
        o.set("default", Json.mapper().valueToTree(p.defaultValue()));
        o.put("description", p.description());
        if (!p.range().isEmpty()) {
          o.put("range", p.range());
        }
        if (!p.choices().isEmpty()) {
          o.set("choices", Json.mapper().valueToTree(p.choices()));
        }
        if (p.file()) {
          o.put("file", true);
        }
      }
      ModelSpec spec = e.build(java.util.Map.of());
      ArrayNode counts = m.putArray("parameterCounts");
      for (TaskHead head : REFERENCE_HEADS) {
        ObjectNode c = counts.addObject();
        c.put("task", head.type().id());
        c.put("input", head.toString());
        c.put("spec", spec.parameterCount(head));
        if (backend != null && spec.incompatibility(head) == null) {
          try (Model model = backend.newModel(spec, head, TrainingConfig.defaults(), 0)) {
            c.put(backend.id(), model.parameterCount().total());
            ObjectNode trainable = c.putObject("trainable");
            for (org.brainbench.api.model.FineTune mode : org.brainbench.api.model.FineTune.values()) {
              model.setFrozen(spec.frozenBy(mode));
              trainable.put(mode.id(), model.parameterCount().trainable());
            }
          }
        }
      }
    }
    return arr;
  }

  private static ArrayNode tasks() {
    ArrayNode arr = Json.mapper().createArrayNode();
    for (TaskType t : TaskType.values()) {
      ObjectNode o = arr.addObject();
      o.put("type", t.id());
      o.set("manifestColumns", Json.mapper().valueToTree(ManifestReader.requiredColumns(t)));
      o.set("metrics", Json.mapper().valueToTree(MetricRegistry.selectable(t)));
      o.set("defaultMetrics", Json.mapper().valueToTree(MetricRegistry.reported(t)));
    }
    return arr;
  }

  private static ArrayNode metrics() {
    ArrayNode arr = Json.mapper().createArrayNode();
    for (MetricDefinition d : MetricRegistry.all()) {
      ObjectNode o = arr.addObject();
      o.put("name", d.name());
      o.put("task", d.task().id());
      o.put("higherIsBetter", d.higherIsBetter());
      o.put("definition", d.definition());
      o.put("selectable", d.selectable());
      o.put("reportedByDefault", d.reported());
      o.put("primary", d.primary());
    }
    return arr;
  }

  private static ArrayNode backends() {
    ArrayNode arr = Json.mapper().createArrayNode();
    for (Backend b : Backends.all()) {
      BackendInfo info = b.info();
      ObjectNode o = arr.addObject();
      o.put("id", info.id());
      o.put("name", info.name());
      o.put("version", info.version());
      o.put("nativeVersion", info.nativeVersion());
      o.put("device", info.device());
      o.put("threads", info.threads());
      o.set("models", Json.mapper().valueToTree(b.supportedModels().stream().sorted().toList()));
    }
    return arr;
  }

  private static void printText(ObjectNode all, PrintWriter out) {
    if (all.has("models")) {
      out.println("MODELS");
      for (var m : all.get("models")) {
        out.printf("  %s: %s%n", m.get("id").asText(), m.get("description").asText());
        for (var p : m.get("params")) {
          out.printf("    %-20s %-8s default %-28s %s%n", p.get("name").asText(), p.get("type").asText(), p.get("default").toString(),
              p.get("description").asText());
        }
        for (var c : m.get("parameterCounts")) {
          StringBuilder b = new StringBuilder(String.format("    parameters, %-8s %-32s spec %,d", c.get("task").asText(), c.get("input").asText(),
              c.get("spec").asLong()));
          c.fieldNames().forEachRemaining(f -> {
            if (!List.of("task", "input", "spec", "trainable").contains(f)) {
              b.append(String.format(", %s %,d", f, c.get(f).asLong()));
            }
          });
          if (c.has("trainable")) {
            c.get("trainable").fields().forEachRemaining(t -> b.append(String.format("; trainable %s %,d", t.getKey(), t.getValue().asLong())));
          }
          out.println(b);
        }
      }
    }
    if (all.has("tasks")) {
      out.println("TASKS");
      for (var t : all.get("tasks")) {
        out.printf("  %-9s manifest %s; metrics %s%n", t.get("type").asText(), t.get("manifestColumns"), t.get("metrics"));
      }
    }
    if (all.has("metrics")) {
      out.println("METRICS");
      for (var m : all.get("metrics")) {
        out.printf("  %-17s %-9s %s %s%n", m.get("name").asText(), m.get("task").asText(), m.get("higherIsBetter").asBoolean() ? "(higher is better)" : "(lower is better) ",
            m.get("definition").asText());
      }
    }
    if (all.has("backends")) {
      out.println("BACKENDS");
      for (var b : all.get("backends")) {
        out.printf("  %-5s %s %s, %s, %s, %d threads; models %s%n", b.get("id").asText(), b.get("name").asText(), b.get("version").asText(),
            b.get("nativeVersion").asText(), b.get("device").asText(), b.get("threads").asInt(), b.get("models"));
      }
    }
  }
}
