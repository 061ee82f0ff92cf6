package org.brainbench.harness.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brainbench.harness.Json;
import org.brainbench.tasks.TaskType;

/**
 * The one reader and writer of result rows ({@code results.jsonl}, schema {@value ResultRow#SCHEMA}):
 * {@link ResultRow} to a JSON object with its keys in a fixed order, and back, refusing rows of
 * another schema version and rows without the fields every row has.
 */
public final class ResultRows {
  private ResultRows() {}

  /** A row that cannot be read: {@code where} names the file and line. */
  public static final class BadRowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadRowException(String where, String message) {
      super(where + ": " + message);
    }
  }

  public static ObjectNode toJson(ResultRow r) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("schema", r.schema());
    o.put("suite", r.suite());
    o.put("cell", r.cell());
    o.put("task", r.task());
    o.put("taskType", r.taskType().id());
    o.put("dataset", r.dataset());
    if (r.labelConvention() != null) {
      o.put("labelConvention", r.labelConvention());
    }
    o.put("model", r.model());
    o.put("modelId", r.modelId());
    if (r.protocol() != null) {
      o.put("protocol", r.protocol());
    }
    o.put("backend", r.backend());
    o.put("seed", r.seed());
    o.put("fold", r.fold());
    o.put("labelFraction", r.labelFraction());
    o.put("status", r.status().id());
    o.put("error", r.error());
    if (r.provenance() != null) {
      o.set("provenance", provenance(r.provenance()));
    }
    if (r.split() != null) {
      ObjectNode s = o.putObject("split");
      r.split().forEach(s::put);
    }
    if (r.init() != null) {
      o.set("init", init(r.init()));
    }
    if (r.ok() || !r.metrics().isEmpty()) {
      o.set("metrics", metrics(r.metrics()));
    }
    if (r.ci95() != null) {
      ObjectNode ci = o.putObject("ci95");
      r.ci95().forEach((k, v) -> ci.putArray(k).add(v[0]).add(v[1]));
    }
    if (r.baseline() != null) {
      o.set("baseline", metrics(r.baseline()));
    }
    if (r.params() != null) {
      ObjectNode p = o.putObject("params");
      p.put("total", r.params().total());
      p.put("trainable", r.params().trainable());
      p.put("spec", r.params().spec());
    }
    if (r.timing() != null) {
      ObjectNode t = o.putObject("timing");
      t.put("trainSeconds", r.timing().trainSeconds());
      t.put("evalSeconds", r.timing().evalSeconds());
      t.put("volumesPerSecond", r.timing().volumesPerSecond());
      t.put("dataWaitSeconds", r.timing().dataWaitSeconds());
    }
    if (r.epochs() != null) {
      o.put("epochs", r.epochs());
    }
    if (r.bestEpoch() != null) {
      o.put("bestEpoch", r.bestEpoch());
    }
    if (r.resumedFromEpoch() > 0) {
      o.put("resumedFromEpoch", r.resumedFromEpoch());
    }
    if (r.ok() || !r.history().isEmpty()) {
      ArrayNode h = o.putArray("history");
      for (EpochRecord e : r.history()) {
        ObjectNode n = h.addObject();
        n.put("epoch", e.epoch());
        n.put("trainLoss", e.trainLoss());
        number(n, "validation", e.validation());
        n.put("learningRate", e.learningRate());
        if (!Double.isNaN(e.seconds())) {
          n.put("seconds", e.seconds());
        }
        e.diagnostics().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(d -> n.put(d.getKey(), d.getValue()));
      }
    }
    if (r.trainWallSeconds() != null) {
      o.put("trainWallSeconds", r.trainWallSeconds());
    }
    if (r.weights() != null) {
      o.put("weights", r.weights());
    }
    if (r.objective() != null) {
      o.put("objective", r.objective());
    }
    if (r.tuning() != null) {
      o.set("tuning", tuning(r.tuning()));
    }
    ObjectNode memory = o.putObject("memory");
    if (r.peakRssBytes() == null) {
      memory.putNull("peakRssBytes");
    } else {
      memory.put("peakRssBytes", r.peakRssBytes());
    }
    return o;
  }

  /** One line of JSON. */
  public static String line(ResultRow r) {
    return Json.line(Json.mapper(), toJson(r));
  }

  public static ResultRow fromJson(JsonNode n, String where) {
    if (!(n instanceof ObjectNode o)) {
      throw new BadRowException(where, "not a JSON object");
    }
    if (!o.path("schema").isInt()) {
      throw new BadRowException(where, "no schema version (a brainbench result row has \"schema\": " + ResultRow.SCHEMA + ")");
    }
    int schema = o.get("schema").asInt();
    if (schema != ResultRow.SCHEMA) {
      throw new BadRowException(where, "schema " + schema + "; this brainbench reads schema " + ResultRow.SCHEMA);
    }
    for (String key : List.of("suite", "cell", "task", "taskType", "model", "backend", "status")) {
      if (!o.path(key).isTextual() || o.get(key).asText().isEmpty()) {
        throw new BadRowException(where, "no \"" + key + "\" (every row names its suite, cell, task, taskType, model, backend and status)");
      }
    }
    TaskType type = TaskType.fromId(o.get("taskType").asText());
    if (type == null) {
      throw new BadRowException(where, "unknown taskType \"" + o.get("taskType").asText() + "\"");
    }
    Status status = Status.fromId(o.get("status").asText());
    if (status == null) {
      throw new BadRowException(where, "unknown status \"" + o.get("status").asText() + "\" (ok, failed, running)");
    }
    Map<String, Integer> split = null;
    if (o.path("split").isObject()) {
      split = new LinkedHashMap<>();
      for (var e : iterable(o.get("split"))) {
        split.put(e.getKey(), e.getValue().asInt());
      }
    }
    Map<String, double[]> ci = null;
    if (o.path("ci95").isObject()) {
      ci = new LinkedHashMap<>();
      for (var e : iterable(o.get("ci95"))) {
        ci.put(e.getKey(), new double[] {num(e.getValue().path(0)), num(e.getValue().path(1))});
      }
    }
    JsonNode p = o.path("params");
    JsonNode t = o.path("timing");
    List<EpochRecord> history = new ArrayList<>();
    for (JsonNode h : o.path("history")) {
      Map<String, Double> diagnostics = new LinkedHashMap<>();
      for (var e : iterable(h)) {
        if (!List.of("epoch", "trainLoss", "validation", "learningRate", "seconds").contains(e.getKey()) && e.getValue().isNumber()) {
          diagnostics.put(e.getKey(), e.getValue().asDouble());
        }
      }
      history.add(new EpochRecord(h.path("epoch").asInt(), num(h.path("trainLoss")), num(h.path("validation")), num(h.path("learningRate")),
          num(h.path("seconds")), diagnostics));
    }
    JsonNode peak = o.path("memory").path("peakRssBytes");
    return new ResultRow(schema, o.get("suite").asText(), o.get("cell").asText(), o.get("task").asText(), type, text(o, "dataset"),
        o.get("model").asText(), o.path("modelId").isTextual() ? o.get("modelId").asText() : o.get("model").asText(), text(o, "protocol"), o.get("backend").asText(),
        o.path("seed").asLong(), o.path("fold").asInt(), o.path("labelFraction").asDouble(1.0), status, text(o, "error"),
        o.path("provenance").isObject() ? provenance(o.get("provenance")) : null, split,
        o.path("init").isObject() ? init(o.get("init")) : null, metrics(o.path("metrics")), ci,
        o.path("baseline").isObject() ? metrics(o.get("baseline")) : null,
        p.isObject() ? new ParamCounts(p.path("total").asLong(-1), p.path("trainable").asLong(-1), p.path("spec").asLong(-1)) : null,
        t.isObject() ? new Timing(num(t.path("trainSeconds")), num(t.path("evalSeconds")), num(t.path("volumesPerSecond")), num(t.path("dataWaitSeconds")))
            : null,
        o.path("epochs").isNumber() ? o.get("epochs").asInt() : null, o.path("bestEpoch").isNumber() ? o.get("bestEpoch").asInt() : null,
        o.path("resumedFromEpoch").asInt(0), history, o.path("trainWallSeconds").isNumber() ? o.get("trainWallSeconds").asDouble() : null,
        text(o, "weights"), text(o, "objective"), peak.isNumber() ? peak.asLong() : null,
        o.path("tuning").isObject() ? tuning(o.get("tuning")) : null, text(o, "labelConvention"));
  }

  private static ObjectNode provenance(Provenance p) {
    ObjectNode o = Json.mapper().createObjectNode();
    boolean all = p.recorded();
    put(o, "configHash", p.configHash(), all);
    put(o, "suiteHash", p.suiteHash(), all);
    put(o, "gitCommit", p.gitCommit(), all);
    put(o, "harnessVersion", p.harnessVersion(), all);
    put(o, "backendVersion", p.backendVersion(), all);
    put(o, "nativeVersion", p.nativeVersion(), all);
    put(o, "java", p.java(), all);
    put(o, "os", p.os(), all);
    put(o, "cpu", p.cpu(), all);
    put(o, "gpu", p.gpu(), all);
    put(o, "device", p.device(), all);
    if (p.threads() != null) {
      o.put("threads", p.threads());
    }
    put(o, "datasetHash", p.datasetHash(), all);
    put(o, "splitHash", p.splitHash(), all);
    put(o, "startedAt", p.startedAt(), false);
    put(o, "finishedAt", p.finishedAt(), false);
    put(o, "hardwareClass", p.hardwareClass(), false); // absent from rows written before it was recorded
    return o;
  }

  private static Provenance provenance(JsonNode p) {
    return new Provenance(text(p, "configHash"), text(p, "suiteHash"), text(p, "gitCommit"), text(p, "harnessVersion"), text(p, "backendVersion"),
        text(p, "nativeVersion"), text(p, "java"), text(p, "os"), text(p, "cpu"), text(p, "gpu"), text(p, "device"),
        p.path("threads").isNumber() ? p.get("threads").asInt() : null, text(p, "datasetHash"), text(p, "splitHash"), text(p, "startedAt"),
        text(p, "finishedAt"), text(p, "hardwareClass"));
  }

  public static ObjectNode tuning(TuningReport t) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("search", t.search());
    o.put("scope", t.scope());
    o.put("metric", t.metric());
    o.put("tunedOn", t.tunedOn());
    ArrayNode trials = o.putArray("trials");
    for (TuningReport.Trial trial : t.trials()) {
      ObjectNode n = trials.addObject();
      ObjectNode s = n.putObject("settings");
      trial.settings().forEach(s::put);
      number(n, "score", trial.score());
      n.put("bestEpoch", trial.bestEpoch());
      n.put("seconds", trial.seconds());
      if (trial.error() != null) {
        n.put("error", trial.error());
      }
    }
    ObjectNode chosen = o.putObject("chosen");
    t.chosen().forEach(chosen::put);
    return o;
  }

  public static TuningReport tuning(JsonNode n) {
    List<TuningReport.Trial> trials = new ArrayList<>();
    for (JsonNode t : n.path("trials")) {
      trials.add(new TuningReport.Trial(doubles(t.path("settings")), num(t.path("score")), t.path("bestEpoch").asInt(), num(t.path("seconds")),
          text(t, "error")));
    }
    return new TuningReport(text(n, "search"), text(n, "scope"), text(n, "metric"), text(n, "tunedOn"), trials, doubles(n.path("chosen")));
  }

  private static Map<String, Double> doubles(JsonNode n) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return out;
  }

  private static ObjectNode init(InitReport i) {
    ObjectNode o = Json.mapper().createObjectNode();
    o.put("from", i.from());
    if (!i.adaptedChannels().isEmpty()) {
      o.set("adaptedChannels", Json.mapper().valueToTree(i.adaptedChannels()));
    }
    if (!i.resizedPositions().isEmpty()) {
      o.set("resizedPositions", Json.mapper().valueToTree(i.resizedPositions()));
    }
    if (i.loaded() != null) {
      o.put("loaded", i.loaded());
      o.set("notLoaded", Json.mapper().valueToTree(i.notLoaded() == null ? List.of() : i.notLoaded()));
      o.put("ignored", i.ignored() == null ? 0 : i.ignored());
    }
    if (i.finetune() != null) {
      o.put("finetune", i.finetune()); // a stage has none: its objective decides what trains
    }
    return o;
  }

  private static InitReport init(JsonNode n) {
    return new InitReport(text(n, "from"), strings(n.path("adaptedChannels")), strings(n.path("resizedPositions")),
        n.path("loaded").isNumber() ? n.get("loaded").asInt() : null, n.has("notLoaded") ? strings(n.get("notLoaded")) : null,
        n.path("ignored").isNumber() ? n.get("ignored").asInt() : null, text(n, "finetune"));
  }

  private static ObjectNode metrics(MetricValues m) {
    ObjectNode o = Json.mapper().createObjectNode();
    m.asMap().forEach((k, v) -> {
      if (v instanceof Double d) {
        o.put(k, d);
      } else if (v instanceof Boolean b) {
        o.put(k, b);
      } else {
        ObjectNode per = o.putObject(k);
        ((Map<?, ?>) v).forEach((a, b) -> per.put(String.valueOf(a), (Double) b));
      }
    });
    return o;
  }

  private static MetricValues metrics(JsonNode n) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (var e : iterable(n)) {
      JsonNode v = e.getValue();
      if (v.isBoolean()) {
        out.put(e.getKey(), v.asBoolean());
      } else if (v.isObject()) {
        Map<String, Double> per = new LinkedHashMap<>();
        for (var l : iterable(v)) {
          per.put(l.getKey(), num(l.getValue()));
        }
        out.put(e.getKey(), per);
      } else {
        out.put(e.getKey(), num(v));
      }
    }
    return MetricValues.of(out);
  }

  private static void put(ObjectNode o, String key, String value, boolean evenIfNull) {
    if (value != null) {
      o.put(key, value);
    } else if (evenIfNull) {
      o.putNull(key);
    }
  }

  private static void number(ObjectNode o, String key, double v) {
    if (Double.isNaN(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  private static double num(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n.path(key);
    return v.isTextual() ? v.asText() : null;
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode n) {
    return n::fields;
  }
}
