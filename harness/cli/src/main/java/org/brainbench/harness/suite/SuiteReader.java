package org.brainbench.harness.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.model.Choice;
import org.brainbench.api.model.FineTune;
import org.brainbench.api.model.ModelCatalog;
import org.brainbench.api.model.ModelSpec;
import org.brainbench.api.model.Objective;
import org.brainbench.api.model.ParamDef;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.metric.MetricRegistry;
import org.brainbench.tasks.dataset.DatasetFormat;
import org.brainbench.tasks.dataset.LabelConvention;
import org.brainbench.tasks.dataset.DatasetSource;
import org.brainbench.tasks.preprocess.Normalization;
import org.brainbench.tasks.preprocess.CacheDtype;
import org.brainbench.tasks.preprocess.PreprocessSpec;
import org.brainbench.tasks.split.Partition;
import org.brainbench.tasks.split.SplitPlan;
import org.brainbench.tasks.split.Stratification;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a suite YAML file into a validated {@link Suite}. Unknown keys, wrong types, out-of-range
 * values, unknown model/task/backend/metric names, duplicate names and missing files are errors
 * naming the path inside the file; all of them are collected and thrown together as a {@link
 * SuiteException}. The format is documented in docs/suites.md.
 */
public final class SuiteReader {
  static final Set<String> TOP = Set.of("name", "description", "builtin", "datasets", "preprocess", "tasks", "models", "stages",
      "training", "overrides", "backends", "seeds", "folds", "labelFractions", "exclude", "threads", "cache", "tune");
  static final Set<String> TUNE = Set.of("search", "trials", "scope", "seed", "learningRate", "weightDecay", "epochs");
  static final Set<String> STAGE = Set.of("name", "model", "dataset", "objective", "init", "preprocess", "split", "training", "seed");
  static final Set<String> CACHE = Set.of("folder", "dtype");
  static final Set<String> PREPROCESS = Set.of("reorient", "spacing", "shape", "cropPad", "clip", "normalize");
  static final Set<String> TASK = Set.of("name", "type", "dataset", "classes", "labels", "regions", "metrics", "split", "preprocess", "training");
  static final Set<String> SPLIT = Set.of("folds", "test", "validation", "stratify", "ageBins", "seed", "files");
  static final Set<String> MODEL = Set.of("id", "name", "params", "training", "init", "finetune");
  static final String PRETRAINED = "pretrained:";
  static final Set<String> RULE = Set.of("task", "model", "backend", "seed", "fold", "labelFraction");
  static final Set<String> DATASET = Set.of("path", "format", "labelColumn", "modalities", "subjects", "targets");
  static final Set<String> BUILTIN = Set.of("shape", "subjects", "seed", "followUp");
  static final String BUILTIN_PREFIX = "builtin:";
  private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]*";

  private final List<String> problems = new ArrayList<>();
  /** Datasets declared but with a problem already reported: tasks and stages naming them add no second message. */
  private final java.util.Set<String> brokenDatasets = new java.util.HashSet<>();
  /** Stages declared but with a problem already reported: inits naming them add no second message. */
  private final java.util.Set<String> brokenStages = new java.util.HashSet<>();
  private final Path file;
  private final Path folder;

  private SuiteReader(Path file) {
    this.file = file;
    this.folder = file.toAbsolutePath().getParent();
  }

  /** Reads and validates; throws {@link SuiteException} listing every problem. */
  public static Suite read(Path file) {
    return new SuiteReader(file).readSuite();
  }

  private Suite readSuite() {
    JsonNode doc = parse();
    if (doc == null || doc.isMissingNode() || doc.isNull()) {
      problems.add("empty suite file (no YAML content)");
      throw failure();
    }
    Node root = new Node(doc, "", problems);
    if (!root.isObject()) {
      throw failure();
    }
    root.allowOnly(TOP);
    String name = root.get("name").requiredString();
    if (name != null && !name.matches(NAME_PATTERN)) {
      root.get("name").problem("must be letters, digits, '.', '_' or '-' (it names the results folder), got \"" + name + "\"");
    }
    String description = root.get("description").string("");
    Node cacheNode = root.get("cache");
    boolean cacheSettings = !cacheNode.isMissing() && cacheNode.raw().isObject(); // cache: {folder, dtype} or cache: FOLDER
    Node cacheFolder = cacheSettings ? cacheNode.get("folder") : cacheNode;
    CacheDtype cacheDtype = CacheDtype.FLOAT32;
    if (cacheSettings && cacheNode.allowOnly(CACHE)) {
      String dtype = cacheNode.get("dtype").choice(CacheDtype.FLOAT32.id(), List.of(CacheDtype.FLOAT32.id(), CacheDtype.FLOAT16.id()));
      cacheDtype = dtype == null ? CacheDtype.FLOAT32 : CacheDtype.fromId(dtype);
    }
    String cacheText = cacheFolder.string(".brainbench-cache");
    Path cache = folder.resolve(cacheText == null ? ".brainbench-cache" : cacheText);
    if (cacheFolder.isMissing()) {
      cache = Path.of(".brainbench-cache").toAbsolutePath(); // beside the working directory, shared by suites
    }
    BuiltinData builtin = builtin(root.get("builtin"), cache);
    Map<String, DatasetEntry> datasets = datasets(root.get("datasets"), builtin, !root.get("builtin").isMissing());
    PreprocessSpec preprocess = preprocess(root.get("preprocess"), PreprocessSpec.toShape(64, 64, 64)).withCacheDtype(cacheDtype);
    List<TaskEntry> tasks = tasks(root.get("tasks"), datasets, preprocess);
    List<ModelEntry> models = models(root.get("models"));
    List<Stage> stages = stages(root.get("stages"), models, datasets, preprocess);
    checkInits(root.get("models"), models, stages);
    checkStageChains(root.get("stages"), stages);
    TrainingPatch training = TrainingSettings.read(root.get("training"));
    List<Rule> overrides = rules(root.get("overrides"), true);
    List<String> backends = backends(root.get("backends"));
    List<Long> seeds = seeds(root.get("seeds"));
    List<Integer> folds = folds(root.get("folds"), tasks);
    List<Double> fractions = fractions(root.get("labelFractions"));
    List<Rule> exclusions = rules(root.get("exclude"), false);
    Long threads = root.get("threads").integer(0L, 0, 1024);
    TuneSpec tune = tune(root.get("tune"), tasks);
    checkRuleNames(overrides, exclusions, tasks, models, root);
    if (!problems.isEmpty()) {
      throw failure();
    }
    Suite suite = new Suite(file, name, description, builtin, datasets, tasks, models, stages, training, overrides, backends,
        seeds, folds, fractions, exclusions, threads.intValue(), cache, tune);
    checkCombinations(suite);
    if (!problems.isEmpty()) {
      throw failure();
    }
    return suite;
  }

  /** The {@code tune:} block, or null; every task must have validation subjects to score trials on. */
  private TuneSpec tune(Node n, List<TaskEntry> tasks) {
    if (n.isMissing()) {
      return null;
    }
    n.allowOnly(TUNE);
    String search = n.get("search").choice("grid", List.of("grid", "random"));
    String scope = n.get("scope").choice("first-seed", List.of("first-seed", "cell"));
    Long seed = n.get("seed").integer(1L, 0, Long.MAX_VALUE);
    Long trials = n.get("trials").integer(null, 1, 1000);
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (String key : TuneSpec.KEYS) {
      Node v = n.get(key);
      if (v.isMissing()) {
        continue;
      }
      List<Double> list = new ArrayList<>();
      for (Node item : v.items()) {
        Double d = switch (key) {
          case "learningRate" -> item.number(null, 0, 10, true);
          case "weightDecay" -> item.number(null, 0, 0.999, false);
          default -> item.integer(null, 1, 100_000) == null ? null : item.number(null, 1, 100_000, false);
        };
        if (d != null) {
          list.add(d);
        }
      }
      if ("random".equals(search) && list.size() != 2) {
        v.problem("a random search takes [low, high], got " + list.size() + " value(s)");
      } else if ("random".equals(search) && list.get(0) > list.get(1)) {
        v.problem("low must not exceed high, got [" + Node.fmt(list.get(0)) + ", " + Node.fmt(list.get(1)) + "]");
      } else if (list.isEmpty()) {
        v.problem("lists the values to try");
      }
      values.put(key, list);
    }
    if (values.isEmpty()) {
      n.problem("tunes nothing: give learningRate, weightDecay or epochs");
      return null;
    }
    int size = values.values().stream().mapToInt(List::size).reduce(1, (a, b) -> a * b);
    if ("grid".equals(search) && trials != null && trials != size) {
      n.get("trials").problem("a grid of these values has " + size + " trials, got " + trials);
    }
    if ("random".equals(search) && trials == null) {
      n.get("trials").problem("is required for a random search");
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).split().validationFraction() <= 0) {
        n.problem("trials are scored on validation subjects, and task \"" + tasks.get(i).name() + "\" has none (set its split.validation)");
      }
    }
    return new TuneSpec("grid".equals(search) ? TuneSpec.Search.GRID : TuneSpec.Search.RANDOM, "grid".equals(search) ? size : trials == null ? 0 : trials.intValue(),
        values, "cell".equals(scope) ? TuneSpec.Scope.CELL : TuneSpec.Scope.FIRST_SEED, seed);
  }

  private JsonNode parse() {
    if (!Files.isRegularFile(file)) {
      problems.add(Files.exists(file) ? "not a file" : "no such file");
      throw failure();
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (MalformedInputException e) {
      problems.add("not UTF-8 text");
      throw failure();
    } catch (IOException e) {
      problems.add("cannot read: " + e.getMessage());
      throw failure();
    }
    if (text.isBlank()) {
      problems.add("empty suite file");
      throw failure();
    }
    try {
      // SnakeYAML resolves anchors and aliases (&common / *common) and rejects duplicate keys,
      // which Jackson's YAML tree silently keeps as text or overwrites
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(100);
      Object doc = new Yaml(new SafeConstructor(options)).load(text);
      return doc == null ? null : new ObjectMapper().valueToTree(doc);
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problems.add("not valid YAML" + (mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")")
          + ": " + (e.getProblem() != null ? e.getProblem() : e.getMessage().lines().findFirst().orElse("")));
      throw failure();
    } catch (YAMLException | IllegalArgumentException e) {
      problems.add("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
      throw failure();
    }
  }

  private SuiteException failure() {
    return new SuiteException(file, problems);
  }

  private BuiltinData builtin(Node n, Path cache) {
    if (n.isMissing()) {
      return null;
    }
    n.allowOnly(BUILTIN);
    int[] shape = n.get("shape").intTriple(8, 512);
    if (shape == null && !n.has("shape")) {
      shape = new int[] {64, 64, 64};
    }
    Long subjects = n.get("subjects").integer(100L, 4, 100_000);
    Long seed = n.get("seed").integer(42L, Long.MIN_VALUE, Long.MAX_VALUE);
    Double followUp = n.get("followUp").number(0.2, 0, 1, false);
    if (shape == null || subjects == null || seed == null || followUp == null) {
      return null;
    }
    return new BuiltinData(shape, subjects.intValue(), seed, followUp, cache.resolve(BuiltinData.folderName(shape, subjects.intValue(), seed, followUp)));
  }

  /** @param builtinGiven whether the suite has a builtin: section (which, when builtin is null, has its own problems) */
  private Map<String, DatasetEntry> datasets(Node n, BuiltinData builtin, boolean builtinGiven) {
    Map<String, DatasetEntry> out = new LinkedHashMap<>();
    if (!n.isObject()) {
      return out;
    }
    for (Map.Entry<String, Node> e : n.entries().entrySet()) {
      String name = e.getKey();
      Node d = e.getValue();
      String path;
      DatasetFormat format = null;
      String labelColumn = null;
      List<String> modalities = null;
      Long subjects = null;
      String targets = null;
      if (d.raw() != null && d.raw().isTextual()) {
        path = d.string(null);
      } else {
        if (!d.isObject()) {
          d.problem("must be a path or a map {path: ...}");
          continue;
        }
        d.allowOnly(DATASET);
        path = d.get("path").requiredString();
        String f = d.get("format").choice(null, List.of("manifest", "bids", "brats", "brats2021", "brats2023", "msd", "nnunet"));
        format = f == null ? null : DatasetFormat.fromId(f);
        labelColumn = d.get("labelColumn").string(null);
        targets = d.get("targets").string(null);
        subjects = d.get("subjects").integer(null, 4, 100_000);
        if (d.has("modalities")) {
          modalities = new ArrayList<>();
          for (Node m : d.get("modalities").items()) {
            modalities.add(m.requiredString());
          }
        }
      }
      if (path == null) {
        continue;
      }
      Node where = d.raw() != null && d.raw().isTextual() ? d : d.get("path");
      if (path.startsWith(BUILTIN_PREFIX)) {
        TaskType t = TaskType.fromId(path.substring(BUILTIN_PREFIX.length()));
        if (t == null) {
          where.problem("unknown built-in dataset \"" + path + "\"; use builtin:classify, builtin:regress, builtin:segment or builtin:pretrain");
          continue;
        }
        if (builtin == null) {
          if (!builtinGiven) {
            where.problem("uses the built-in data, but the suite has no builtin: section");
          }
          continue;
        }
        BuiltinData b = subjects == null ? builtin : builtin.withSubjects(subjects.intValue());
        out.put(name, new DatasetEntry(name, new DatasetSource(name, b.folder().resolve(t.id()), DatasetFormat.MANIFEST, null, null), t, b));
      } else {
        if (subjects != null) {
          d.get("subjects").problem("sizes the built-in data only; a dataset on disk has the subjects it has");
        }
        Path p = folder.resolve(path).normalize();
        if (!Files.exists(p)) {
          where.problem("no such file or folder: " + p);
          continue;
        }
        Path targetsFile = targets == null ? null : folder.resolve(targets).normalize();
        if (targetsFile != null && !Files.isRegularFile(targetsFile)) {
          d.get("targets").problem("no such file: " + targetsFile);
          continue;
        }
        out.put(name, new DatasetEntry(name, new DatasetSource(name, p, format, labelColumn, modalities, targetsFile), null, null));
      }
    }
    n.entries().keySet().stream().filter(name -> !out.containsKey(name)).forEach(brokenDatasets::add);
    return out;
  }

  private PreprocessSpec preprocess(Node n, PreprocessSpec base) {
    if (n.isMissing()) {
      return base;
    }
    if (!n.allowOnly(PREPROCESS)) {
      return base;
    }
    Boolean reorient = n.get("reorient").bool(base.reorient());
    double[] spacing = n.has("spacing") ? n.get("spacing").triple(0, true) : null;
    int[] shape = n.has("shape") ? n.get("shape").intTriple(1, 1024) : null;
    if (spacing == null && shape == null && !n.has("spacing") && !n.has("shape")) {
      spacing = base.spacing();
      shape = base.shape();
    }
    if (n.has("spacing") && n.has("shape")) {
      n.problem("give either spacing or shape, not both");
      return base;
    }
    int[] cropPad = n.has("cropPad") ? n.get("cropPad").intTriple(1, 1024) : base.cropPad();
    double[] clip = base.clipPercentiles();
    Node c = n.get("clip");
    if (c.has("0") || (!c.isMissing() && c.raw().isArray())) {
      List<Node> items = c.items();
      if (items.size() != 2) {
        c.problem("must be [low, high] percentiles");
      } else {
        Double lo = items.get(0).number(null, 0, 100, false);
        Double hi = items.get(1).number(null, 0, 100, false);
        if (lo != null && hi != null) {
          if (lo >= hi) {
            c.problem("low percentile must be below high, got [" + Node.fmt(lo) + ", " + Node.fmt(hi) + "]");
          }
          clip = new double[] {lo, hi};
        }
      }
    } else if (!c.isMissing() && c.raw().isBoolean() && !c.raw().asBoolean()) {
      clip = null;
    } else if (!c.isMissing()) {
      c.problem("must be [low, high] percentiles or false");
    }
    String norm = n.get("normalize").choice(base.normalization().id(), List.of("zscore", "minmax", "none"));
    if (reorient == null || norm == null) {
      return base;
    }
    try {
      return new PreprocessSpec(reorient, spacing, shape, cropPad, clip != null && clip[0] < clip[1] ? clip : null, Normalization.fromId(norm),
          base.cacheDtype());
    } catch (IllegalArgumentException e) {
      n.problem(e.getMessage());
      return base;
    }
  }

  private List<TaskEntry> tasks(Node n, Map<String, DatasetEntry> datasets, PreprocessSpec preprocess) {
    List<TaskEntry> out = new ArrayList<>();
    if (n.isMissing() || n.items().isEmpty()) {
      n.problem("is required: list at least one task");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (Node t : n.items()) {
      if (!t.isObject()) {
        continue;
      }
      t.allowOnly(TASK);
      String name = t.get("name").requiredString();
      if (name != null && !name.matches(NAME_PATTERN)) {
        t.get("name").problem("must be letters, digits, '.', '_' or '-', got \"" + name + "\"");
      } else if (name != null && !names.add(name)) {
        t.get("name").problem("duplicate task name \"" + name + "\"");
      }
      String typeId = t.get("type").requiredString();
      TaskType type = typeId == null ? null : TaskType.fromId(typeId);
      if (typeId != null && (type == null || type == TaskType.PRETRAIN)) {
        t.get("type").problem("unknown task type \"" + typeId + "\"; one of [classify, regress, segment]"
            + (type == TaskType.PRETRAIN ? " (pre-training stages come with the medical-transformer)" : ""));
        type = null;
      }
      String dataset = t.get("dataset").requiredString();
      if (dataset != null && !datasets.containsKey(dataset)) {
        if (!brokenDatasets.contains(dataset)) {
          t.get("dataset").problem("unknown dataset \"" + dataset + "\"; the suite's datasets are " + datasets.keySet());
        }
      } else if (dataset != null && type != null && datasets.get(dataset).isBuiltin() && datasets.get(dataset).builtinTask() != type) {
        t.get("dataset").problem("dataset \"" + dataset + "\" is the built-in " + datasets.get(dataset).builtinTask().id() + " data, not " + type.id());
      }
      List<String> classes = new ArrayList<>();
      for (Node c : t.get("classes").items()) {
        String s = c.requiredString();
        if (s != null && classes.contains(s)) {
          c.problem("duplicate class \"" + s + "\"");
        } else if (s != null) {
          classes.add(s);
        }
      }
      if (type == TaskType.CLASSIFY && classes.size() < 2) {
        t.get("classes").problem("a classify task lists its classes in order (at least two), e.g. [CN, AD]");
      } else if (type != null && type != TaskType.CLASSIFY && t.has("classes")) {
        t.get("classes").problem("only classify tasks have classes");
      }
      List<Integer> labels = new ArrayList<>();
      for (Node l : t.get("labels").items()) {
        Long v = l.integer(null, 1, 255);
        if (v != null && labels.contains(v.intValue())) {
          l.problem("duplicate label " + v);
        } else if (v != null) {
          labels.add(v.intValue());
        }
      }
      if (type == TaskType.SEGMENT && labels.isEmpty()) {
        t.get("labels").problem("a segment task lists its non-zero label values, e.g. [1, 2, 4]");
      } else if (type != null && type != TaskType.SEGMENT && t.has("labels")) {
        t.get("labels").problem("only segment tasks have labels");
      }
      String regions = t.get("regions").choice(null, List.of("brats2021", "brats2023", "msd", "none"));
      if (regions != null && type != null && type != TaskType.SEGMENT) {
        t.get("regions").problem("only segment tasks have regions");
      } else if (regions != null && !regions.equals("none")) {
        java.util.Set<Integer> needed = LabelConvention.fromId(regions).labels().keySet();
        if (!labels.isEmpty() && !labels.containsAll(needed)) {
          t.get("regions").problem(regions + " regions are made of the labels " + new java.util.TreeSet<>(needed) + ", which the task's labels "
              + labels + " do not all hold");
        }
      }
      List<String> metrics = new ArrayList<>();
      if (type != null) {
        List<String> allowed = MetricRegistry.selectable(type);
        for (Node m : t.get("metrics").items()) {
          String s = m.requiredString();
          if (s != null && !allowed.contains(s)) {
            m.problem("unknown metric \"" + s + "\" for " + type.id() + "; one of " + allowed);
          } else if (s != null && !metrics.contains(s)) {
            metrics.add(s);
          }
        }
        if (metrics.isEmpty()) {
          metrics.addAll(MetricRegistry.reported(type));
        }
      }
      SplitPlan split = split(t.get("split"), type);
      PreprocessSpec pre = preprocess(t.get("preprocess"), preprocess);
      TrainingPatch training = TrainingSettings.read(t.get("training"));
      if (name != null && type != null && dataset != null && split != null) {
        for (String m : metrics) {
          if ("none".equals(regions) && MetricRegistry.isRegionMetric(m)) {
            t.get("metrics").problem(m + " is a region metric, and the task's regions are none");
          }
        }
        out.add(new TaskEntry(name, type, dataset, classes, labels, metrics, split, pre, training, regions));
      }
    }
    return out;
  }

  private SplitPlan split(Node n, TaskType type) {
    n.allowOnly(SPLIT);
    if (n.has("files")) {
      return fixedSplit(n);
    }
    Long folds = n.get("folds").integer(1L, 1, 100);
    Double test = n.get("test").number(0.2, 0, 0.9, false);
    Double validation = n.get("validation").number(0.2, 0, 0.9, false);
    String defaultStrat = type == TaskType.CLASSIFY ? "class" : type == TaskType.REGRESS ? "age" : "none";
    String strat = n.get("stratify").choice(defaultStrat, List.of("class", "age", "none"));
    Long bins = n.get("ageBins").integer(5L, 1, 100);
    Node seedNode = n.get("seed");
    Long seed = seedNode.integer(null, 0, Long.MAX_VALUE);
    if (!seedNode.isMissing() && seed == null) {
      return null;
    }
    if (folds == null || test == null || validation == null || strat == null || bins == null) {
      return null;
    }
    if ("class".equals(strat) && type != null && type != TaskType.CLASSIFY) {
      n.get("stratify").problem("class stratification needs a classify task");
      return null;
    }
    try {
      return new SplitPlan(folds.intValue(), test, validation, Stratification.fromId(strat), bins.intValue(), seed);
    } catch (IllegalArgumentException e) {
      n.problem(e.getMessage());
      return null;
    }
  }

  /** {@code split: {files: {train: T, validation: V, test: S}}}: one subject table per partition, paths from the suite's folder. */
  private SplitPlan fixedSplit(Node n) {
    for (String key : List.of("folds", "test", "validation", "stratify", "ageBins", "seed")) {
      if (n.has(key)) {
        n.get(key).problem("a split read from files has no " + key);
      }
    }
    Node files = n.get("files");
    if (!files.isObject()) {
      files.problem("must map partitions to subject tables, e.g. {train: split/train.tsv, validation: split/validation.tsv, test: split/test.tsv}");
      return null;
    }
    files.allowOnly(Set.of("train", "validation", "test"));
    Map<Partition, Path> out = new java.util.EnumMap<>(Partition.class);
    for (Map.Entry<String, Node> e : files.entries().entrySet()) {
      String path = e.getValue().requiredString();
      Partition partition = Partition.fromId(e.getKey());
      if (path == null || partition == null || partition == Partition.UNUSED) {
        continue;
      }
      Path p = folder.resolve(path).normalize();
      if (!Files.isRegularFile(p)) {
        e.getValue().problem("no such file: " + p);
        continue;
      }
      out.put(partition, p);
    }
    for (String required : List.of("train", "test")) {
      if (!files.has(required)) {
        files.problem("needs a " + required + " table");
        return null;
      }
    }
    return out.size() == files.entries().size() ? SplitPlan.fromFiles(out) : null;
  }

  private List<ModelEntry> models(Node n) {
    List<ModelEntry> out = new ArrayList<>();
    if (n.isMissing() || n.items().isEmpty()) {
      n.problem("is required: list at least one model");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (Node m : n.items()) {
      if (m.raw() != null && m.raw().isTextual()) {
        String id = m.string(null);
        ModelSpec spec = spec(m, id, new Node(null, m.path() + ".params", problems));
        if (spec != null && names.add(id)) {
          out.add(new ModelEntry(id, id, spec, TrainingPatch.empty(), null, FineTune.FULL));
        } else if (spec != null) {
          m.problem("duplicate model name \"" + id + "\"; give each a name:");
        }
        continue;
      }
      if (!m.isObject()) {
        continue;
      }
      m.allowOnly(MODEL);
      String id = m.get("id").requiredString();
      String name = m.get("name").string(id);
      if (name != null && !name.matches(NAME_PATTERN)) {
        m.get("name").problem("must be letters, digits, '.', '_' or '-', got \"" + name + "\"");
        continue;
      }
      if (name != null && !names.add(name)) {
        (m.has("name") ? m.get("name") : m.get("id")).problem("duplicate model name \"" + name + "\"; give each a distinct name:");
      }
      ModelSpec spec = id == null ? null : spec(m.get("id"), id, m.get("params"));
      TrainingPatch training = TrainingSettings.read(m.get("training"));
      String stage = initStage(m.get("init"), " (weights files are model params: imagenetWeights, weights)");
      // without a finetune key the model's own default applies (jun2021: the encoder stays frozen)
      String ft = m.get("finetune").choice(spec == null ? "full" : spec.defaultFineTune().id(), List.of("full", "frozen-encoder", "head-only", "linear-probe"));
      if (spec != null && ft != null) {
        out.add(new ModelEntry(name, id, spec, training, stage, FineTune.fromId(ft)));
      }
    }
    return out;
  }

  private List<Stage> stages(Node n, List<ModelEntry> models, Map<String, DatasetEntry> datasets, PreprocessSpec preprocess) {
    List<Stage> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node s : n.items()) {
      if (!s.isObject()) {
        continue;
      }
      s.allowOnly(STAGE);
      String name = s.get("name").requiredString();
      if (name != null && !name.matches(NAME_PATTERN)) {
        s.get("name").problem("must be letters, digits, '.', '_' or '-', got \"" + name + "\"");
        continue;
      }
      if (name != null && !names.add(name)) {
        s.get("name").problem("duplicate stage name \"" + name + "\"");
      }
      String modelName = s.get("model").requiredString();
      ModelEntry model = models.stream().filter(m -> m.name().equals(modelName)).findFirst().orElse(null);
      if (modelName != null && model == null) {
        s.get("model").problem("no model named \"" + modelName + "\"; models are " + models.stream().map(ModelEntry::name).toList());
      }
      String dataset = s.get("dataset").requiredString();
      if (dataset != null && !datasets.containsKey(dataset) && !brokenDatasets.contains(dataset)) {
        s.get("dataset").problem("unknown dataset \"" + dataset + "\"; the suite's datasets are " + datasets.keySet());
      }
      PreprocessSpec pre = preprocess(s.get("preprocess"), preprocess);
      Node split = s.get("split");
      split.allowOnly(Set.of("validation"));
      Double validation = split.get("validation").number(0.1, 0, 0.9, false);
      TrainingPatch training = TrainingSettings.read(s.get("training"));
      Objective objective = objective(s.get("objective"), model);
      String initStage = initStage(s.get("init"), "");
      Long seed = s.get("seed").integer(null, 0, Long.MAX_VALUE);
      if (name != null && model != null && dataset != null && datasets.containsKey(dataset) && validation != null) {
        TaskEntry task = new TaskEntry(name, TaskType.PRETRAIN, dataset, List.of(), List.of(), List.of("loss"),
            new SplitPlan(1, 0, validation, Stratification.NONE, 1), pre, training);
        out.add(new Stage(name, model, task, objective, initStage, seed));
      } else if (name != null) {
        brokenStages.add(name);
      }
    }
    return out;
  }

  /** The stage an {@code init} names ({@code pretrained:<stage>}), or null for {@code scratch} (the default). */
  private static String initStage(Node n, String hint) {
    String init = n.string("scratch");
    if (init != null && init.startsWith(PRETRAINED)) {
      return init.substring(PRETRAINED.length());
    }
    if (init != null && !init.equals("scratch")) {
      n.problem("must be scratch or pretrained:<stage>, got \"" + init + "\"" + hint);
    }
    return null;
  }

  /** A stage's objective: the one it names (one of its model's), or the model's default. */
  private static Objective objective(Node n, ModelEntry model) {
    if (model == null) {
      return null;
    }
    List<Objective> allowed = model.spec().objectives();
    if (n.isMissing()) {
      return allowed.isEmpty() ? null : allowed.get(0);
    }
    String id = n.string(null);
    Objective o = id == null ? null : Choice.fromId(Objective.class, id);
    if (o == null || !allowed.contains(o)) {
      n.problem(allowed.isEmpty() ? model.id() + " (" + model.spec().protocol() + ") has no pre-training objective"
          : "must be one of " + allowed.stream().map(Objective::id).toList() + " for " + model.id() + " (" + model.spec().protocol()
              + "), got \"" + id + "\"");
      return null;
    }
    return o;
  }

  /**
   * A stage that starts from another: the other must exist, pre-train the same model id, and the
   * chain must end (a stage cannot start, through others, from itself).
   */
  private void checkStageChains(Node stagesNode, List<Stage> stages) {
    for (int i = 0; i < stages.size(); i++) {
      Stage stage = stages.get(i);
      if (stage.initStage() == null) {
        continue;
      }
      Node at = stagesNode.items().stream().filter(n -> stage.name().equals(n.get("name").string(null))).findFirst()
          .map(n -> n.get("init")).orElse(stagesNode);
      Stage from = stages.stream().filter(s -> s.name().equals(stage.initStage())).findFirst().orElse(null);
      if (from == null) {
        if (!brokenStages.contains(stage.initStage())) {
          at.problem("no stage named \"" + stage.initStage() + "\"; stages are " + stages.stream().map(Stage::name).toList());
        }
        continue;
      }
      if (!from.model().id().equals(stage.model().id())) {
        at.problem("stage \"" + from.name() + "\" pre-trains " + from.model().id() + ", not " + stage.model().id());
        continue;
      }
      List<String> chain = new ArrayList<>(List.of(stage.name()));
      Stage next = from;
      while (next != null) {
        chain.add(next.name());
        if (next.name().equals(stage.name())) {
          at.problem("the stages start from each other in a cycle: " + String.join(" -> ", chain));
          break;
        }
        String up = next.initStage();
        next = up == null || chain.size() > stages.size() + 1 ? null : stages.stream().filter(s -> s.name().equals(up)).findFirst().orElse(null);
      }
    }
  }

  private void checkInits(Node modelsNode, List<ModelEntry> models, List<Stage> stages) {
    for (int i = 0; i < models.size(); i++) {
      ModelEntry m = models.get(i);
      if (m.initStage() == null) {
        continue;
      }
      Stage stage = stages.stream().filter(s -> s.name().equals(m.initStage())).findFirst().orElse(null);
      Node at = modelsNode.items().size() > i ? modelsNode.items().get(i).get("init") : modelsNode;
      if (stage == null) {
        if (!brokenStages.contains(m.initStage())) {
          at.problem("no stage named \"" + m.initStage() + "\"; stages are " + stages.stream().map(Stage::name).toList());
        }
      } else if (!stage.model().id().equals(m.id())) {
        at.problem("stage \"" + stage.name() + "\" pre-trains " + stage.model().id() + ", not " + m.id());
      } else if (stage.model().spec().incompatibility(CellMatrix.pretrainHead(stage)) != null) {
        at.problem("stage \"" + stage.name() + "\": " + stage.model().spec().incompatibility(CellMatrix.pretrainHead(stage)));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private ModelSpec spec(Node idNode, String id, Node params) {
    ModelCatalog.Entry entry = ModelCatalog.find(id);
    if (entry == null) {
      idNode.problem("unknown model \"" + id + "\"; known models are " + ModelCatalog.ids());
      return null;
    }
    Node protocol = params.isObject() ? params.get("protocol") : null;
    if (protocol != null && !protocol.isMissing()) {
      String name = protocol.requiredString();
      if (name == null) {
        return null;
      }
      entry = ModelCatalog.find(id, name);
      if (entry == null) {
        protocol.problem("unknown protocol \"" + name + "\" of " + id + "; its protocols are " + ModelCatalog.protocols(id));
        return null;
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    int before = problems.size();
    if (!params.isMissing() && params.isObject()) {
      for (Map.Entry<String, Node> e : params.entries().entrySet()) {
        if (e.getKey().equals("protocol")) {
          continue;
        }
        ParamDef def = entry.param(e.getKey());
        if (def == null) {
          List<String> known = new ArrayList<>(ModelCatalog.protocols(id).size() > 1 ? List.of("protocol") : List.of());
          entry.params().forEach(p -> known.add(p.name()));
          e.getValue().problem("unknown parameter of " + entry.name() + "; its parameters are " + known);
          continue;
        }
        Object v = value(e.getValue(), def);
        if (v instanceof String path && def.file() && !path.isEmpty()) {
          Path resolved = folder.resolve(path).normalize();
          if (!Files.isRegularFile(resolved)) {
            e.getValue().problem("no such file: " + resolved);
            continue;
          }
          v = resolved.toString();
        }
        if (v != null) {
          values.put(def.name(), v);
        }
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return entry.build(values);
    } catch (IllegalArgumentException e) {
      params.problem(e.getMessage());
      return null;
    }
  }

  private static Object value(Node n, ParamDef def) {
    return switch (def.type()) {
      case INT -> {
        Long v = n.integer(null, Integer.MIN_VALUE, Integer.MAX_VALUE);
        yield v == null ? null : v.intValue();
      }
      case DOUBLE -> n.number(null, -Double.MAX_VALUE, Double.MAX_VALUE, false);
      case BOOLEAN -> n.bool(null);
      case STRING -> n.string(null);
      case INT_LIST -> {
        List<Integer> out = new ArrayList<>();
        for (Node item : n.items()) {
          Long v = item.integer(null, Integer.MIN_VALUE, Integer.MAX_VALUE);
          if (v == null) {
            yield null;
          }
          out.add(v.intValue());
        }
        yield out;
      }
      case DOUBLE_LIST -> {
        List<Double> out = new ArrayList<>();
        for (Node item : n.items()) {
          Double v = item.number(null, -Double.MAX_VALUE, Double.MAX_VALUE, false);
          if (v == null) {
            yield null;
          }
          out.add(v);
        }
        yield out;
      }
      case STRING_LIST -> {
        List<String> out = new ArrayList<>();
        for (Node item : n.items()) {
          String v = item.requiredString();
          if (v == null) {
            yield null;
          }
          out.add(v);
        }
        yield out;
      }
    };
  }

  private List<String> backends(Node n) {
    List<String> available = Backends.ids();
    List<String> out = new ArrayList<>();
    for (Node b : n.items()) {
      String id = b.requiredString();
      if (id != null && !available.contains(id)) {
        b.problem("unknown backend \"" + id + "\"; available: " + available);
      } else if (id != null && !out.contains(id)) {
        out.add(id);
      }
    }
    if (out.isEmpty() && n.isMissing()) {
      out.add("djl");
    }
    return out;
  }

  private List<Long> seeds(Node n) {
    List<Long> out = new ArrayList<>();
    for (Node s : n.items()) {
      Long v = s.integer(null, 0, Long.MAX_VALUE);
      if (v != null && !out.contains(v)) {
        out.add(v);
      }
    }
    if (n.isMissing()) {
      out.add(1L);
    }
    return out;
  }

  private List<Integer> folds(Node n, List<TaskEntry> tasks) {
    if (n.isMissing() || "all".equals(n.raw().asText())) {
      return null;
    }
    int maxFolds = tasks.stream().mapToInt(t -> t.split().folds()).max().orElse(1);
    List<Integer> out = new ArrayList<>();
    for (Node f : n.items()) {
      Long v = f.integer(null, 0, maxFolds - 1);
      if (v != null && !out.contains(v.intValue())) {
        out.add(v.intValue());
      }
    }
    return out;
  }

  private List<Double> fractions(Node n) {
    List<Double> out = new ArrayList<>();
    for (Node f : n.items()) {
      Double v = f.number(null, 0, 1, true);
      if (v != null && !out.contains(v)) {
        out.add(v);
      }
    }
    if (n.isMissing()) {
      out.add(1.0);
    }
    return out;
  }

  private List<Rule> rules(Node n, boolean withTraining) {
    List<Rule> out = new ArrayList<>();
    for (Node r : n.items()) {
      if (!r.isObject()) {
        continue;
      }
      Set<String> keys = new HashSet<>(RULE);
      if (withTraining) {
        keys.add("training");
      }
      r.allowOnly(keys);
      Long seed = r.get("seed").integer(null, 0, Long.MAX_VALUE);
      Long fold = r.get("fold").integer(null, 0, 100);
      Double fraction = r.get("labelFraction").number(null, 0, 1, true);
      TrainingPatch training = withTraining ? TrainingSettings.read(r.get("training")) : TrainingPatch.empty();
      if (withTraining && !r.has("training")) {
        r.problem("an override needs a training: block");
      }
      out.add(new Rule(r.get("task").string(null), r.get("model").string(null), r.get("backend").string(null), seed,
          fold == null ? null : fold.intValue(), fraction, training));
    }
    return out;
  }

  private void checkRuleNames(List<Rule> overrides, List<Rule> exclusions, List<TaskEntry> tasks, List<ModelEntry> models, Node root) {
    Set<String> taskNames = new HashSet<>();
    tasks.forEach(t -> taskNames.add(t.name()));
    Set<String> modelNames = new HashSet<>();
    models.forEach(m -> modelNames.add(m.name()));
    check(overrides, "overrides", taskNames, modelNames, root);
    check(exclusions, "exclude", taskNames, modelNames, root);
  }

  private void check(List<Rule> rules, String key, Set<String> tasks, Set<String> models, Node root) {
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      String at = key + "[" + i + "]";
      if (r.task() != null && !tasks.contains(r.task())) {
        problems.add(at + ".task: no task named \"" + r.task() + "\"");
      }
      if (r.model() != null && !models.contains(r.model())) {
        problems.add(at + ".model: no model named \"" + r.model() + "\"");
      }
      if (r.backend() != null && !Backends.ids().contains(r.backend())) {
        problems.add(at + ".backend: unknown backend \"" + r.backend() + "\"");
      }
    }
  }

  /** Training settings that only fail together (warm-up longer than training) and model/input fits. */
  private void checkCombinations(Suite suite) {
    for (Stage stage : suite.stages()) {
      try {
        CellMatrix.stageCell(stage, suite.backends().get(0), 0, suite.training());
      } catch (IllegalArgumentException e) {
        problems.add("stages[" + suite.stages().indexOf(stage) + "].training: " + e.getMessage());
      }
      String problem = stage.model().spec().incompatibility(CellMatrix.pretrainHead(stage));
      if (problem != null) {
        problems.add("stages[" + suite.stages().indexOf(stage) + "]: " + stage.model().name() + ": " + problem);
      }
    }
    for (Cell cell : CellMatrix.expand(suite, problems)) {
      String problem = cell.model().spec().incompatibility(CellMatrix.head(cell.task(), cell.model(), null));
      if (problem == null && cell.model().fineTune() == FineTune.LINEAR_PROBE && cell.task().type() == TaskType.SEGMENT) {
        problem = "linear-probe fits a classifier or regressor on the embeddings; exclude it from segment tasks";
      }
      if (problem != null) {
        problems.add("tasks[" + suite.tasks().indexOf(cell.task()) + "]/models[" + suite.models().indexOf(cell.model()) + "]: " + cell.model().name() + ": " + problem);
        return;
      }
    }
  }
}
