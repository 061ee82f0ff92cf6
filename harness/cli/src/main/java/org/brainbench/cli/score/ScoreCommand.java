package org.brainbench.cli.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.brainbench.harness.Json;
import org.brainbench.cli.Main;
import org.brainbench.harness.UserInputException;
import org.brainbench.harness.score.Scores;
import org.brainbench.tasks.TaskType;
import org.brainbench.tasks.dataset.LabelConvention;
import org.brainbench.tasks.metric.SegmentationMetrics;
import org.brainbench.tasks.nifti.NiftiVolumes;
import org.brainbench.tasks.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score --task TYPE --truth T --pred P}: metrics of predictions made with any tool (docs/metrics.md,
 * "score inputs"), with the same implementation and definitions as {@code run}.
 */
@Command(name = "score", mixinStandardHelpOptions = true, versionProvider = org.brainbench.cli.VersionProvider.class, description = {"Score predictions against truth (files from any tool).",
    "classify: truth CSV subject_id,label; pred CSV subject_id,prediction,p_<class>... (classes in p_ column order)",
    "regress:  truth CSV subject_id,age;   pred CSV subject_id,prediction",
    "segment:  truth and pred are folders of <subject_id>.nii.gz label maps on the same grids"})
public final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--task", required = true, paramLabel = "TYPE", description = "classify, regress or segment")
  String task;

  @Option(names = "--truth", required = true, paramLabel = "T")
  Path truth;

  @Option(names = "--pred", required = true, paramLabel = "P")
  Path pred;

  @Option(names = "--json", description = "Print {task, n, metrics, ci95, perCase} as JSON.")
  boolean json;

  @Option(names = "--regions", paramLabel = "CONVENTION", description = "segment: also score the BraTS regions (diceWT ... hd95ET) of this label "
      + "convention: brats2021 (1/2/4), brats2023 (1/2/3), msd (Decathlon 1/2/3) or none (default: ${DEFAULT-VALUE}).")
  String regions = "none";

  @Option(names = "--seed", paramLabel = "K", description = "Seed of the bootstrap confidence intervals (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    TaskType type = TaskType.fromId(task);
    if (!"none".equals(regions) && type != TaskType.SEGMENT) {
      throw new UserInputException("--regions: only segment predictions have regions");
    }
    Scores scores = switch (type == null ? TaskType.PRETRAIN : type) {
      case CLASSIFY -> classify();
      case REGRESS -> regress();
      case SEGMENT -> segment();
      case PRETRAIN -> throw new UserInputException("--task: \"" + task + "\" is not classify, regress or segment");
    };
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.mapper().createObjectNode();
      o.put("task", scores.task());
      o.put("n", scores.n());
      o.set("metrics", Json.mapper().valueToTree(scores.metrics()));
      ObjectNode ci = o.putObject("ci95");
      scores.ci95().forEach((k, v) -> ci.putArray(k).add(v[0]).add(v[1]));
      o.set("perCase", Json.mapper().valueToTree(scores.perCase()));
      out.println(Json.line(Json.mapper(), o));
    } else {
      out.printf("%s, %d cases%n", scores.task(), scores.n());
      scores.metrics().forEach((k, v) -> {
        double[] ci = scores.ci95().get(k);
        if (v instanceof Number n) {
          out.printf(Locale.ROOT, "  %-17s %.4f%s%n", k, n.doubleValue(), ci == null ? "" : String.format(Locale.ROOT, "  (95%% CI %.4f-%.4f)", ci[0], ci[1]));
        } else {
          out.printf("  %-17s %s%n", k, v);
        }
      });
    }
    out.flush();
    return Main.EXIT_OK;
  }

  private Scores classify() throws IOException {
    Table t = Table.read(truth, List.of("subject_id", "label"));
    Table p = Table.read(pred, List.of("subject_id", "prediction"));
    List<String> classes = new ArrayList<>();
    for (String h : p.header) {
      if (h.startsWith("p_")) {
        classes.add(h.substring(2));
      }
    }
    if (classes.size() < 2) {
      throw new UserInputException(pred + ": needs one p_<class> column per class (at least two), found " + p.header);
    }
    List<String> ids = matchIds(t, p);
    int[] truthIdx = new int[ids.size()];
    double[][] probs = new double[ids.size()][classes.size()];
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      String label = t.value(id, "label");
      truthIdx[i] = classes.indexOf(label);
      if (truthIdx[i] < 0) {
        throw new UserInputException(truth + ":" + t.line(id) + ": label \"" + label + "\" has no p_" + label + " column in " + pred);
      }
      for (int k = 0; k < classes.size(); k++) {
        probs[i][k] = p.number(id, "p_" + classes.get(k), pred);
      }
    }
    return Scores.classify(ids, classes, truthIdx, probs, seed);
  }

  private Scores regress() throws IOException {
    Table t = Table.read(truth, List.of("subject_id", "age"));
    Table p = Table.read(pred, List.of("subject_id", "prediction"));
    List<String> ids = matchIds(t, p);
    double[] y = new double[ids.size()];
    double[] yhat = new double[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      y[i] = t.number(ids.get(i), "age", truth);
      yhat[i] = p.number(ids.get(i), "prediction", pred);
    }
    return Scores.regress(ids, y, yhat, seed);
  }

  private Scores segment() throws IOException {
    Map<String, Path> truths = niftiFolder(truth);
    Map<String, Path> preds = niftiFolder(pred);
    List<String> missing = new ArrayList<>();
    truths.keySet().forEach(id -> {
      if (!preds.containsKey(id)) {
        missing.add(id);
      }
    });
    List<String> extra = new ArrayList<>();
    preds.keySet().forEach(id -> {
      if (!truths.containsKey(id)) {
        extra.add(id);
      }
    });
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new UserInputException(pred + ": predictions do not match the truth cases"
          + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; extra " + extra));
    }
    List<SegmentationMetrics.Case> cases = new ArrayList<>();
    for (String id : truths.keySet()) {
      Volume a = NiftiVolumes.read(truths.get(id));
      Volume b = NiftiVolumes.read(preds.get(id));
      if (!a.grid().matches(b.grid(), 1e-3)) {
        throw new UserInputException(preds.get(id) + ": grid " + b.grid() + " differs from the truth's " + a.grid());
      }
      cases.add(new SegmentationMetrics.Case(id, a.channel(0), b.channel(0), a.shape(), a.spacing()));
    }
    return Scores.segment(cases, regions(), seed);
  }

  private List<LabelConvention.Region> regions() {
    if ("none".equals(regions)) {
      return List.of();
    }
    LabelConvention c = LabelConvention.fromId(regions);
    if (c == null) {
      throw new UserInputException("--regions " + regions + ": one of brats2021, brats2023, msd, none");
    }
    return c.regions();
  }

  private static Map<String, Path> niftiFolder(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new UserInputException(folder + ": not a folder of <subject_id>.nii.gz files");
    }
    Map<String, Path> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.sorted().toList()) {
        String n = p.getFileName().toString();
        if (n.endsWith(".nii.gz") || n.endsWith(".nii")) {
          out.put(n.substring(0, n.lastIndexOf(".nii")), p);
        }
      }
    }
    if (out.isEmpty()) {
      throw new UserInputException(folder + ": no .nii.gz files");
    }
    return out;
  }

  private List<String> matchIds(Table t, Table p) {
    List<String> missing = new ArrayList<>();
    for (String id : t.rows.keySet()) {
      if (!p.rows.containsKey(id)) {
        missing.add(id);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String id : p.rows.keySet()) {
      if (!t.rows.containsKey(id)) {
        extra.add(id);
      }
    }
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new UserInputException(pred + ": subject_ids differ from " + truth + (missing.isEmpty() ? "" : "; no prediction for " + head(missing))
          + (extra.isEmpty() ? "" : "; not in the truth: " + head(extra)));
    }
    return new ArrayList<>(t.rows.keySet());
  }

  private static String head(List<String> ids) {
    return ids.size() <= 10 ? ids.toString() : ids.subList(0, 10) + " and " + (ids.size() - 10) + " more";
  }

  /** A CSV keyed by subject_id, with line numbers for messages. */
  private static final class Table {
    final List<String> header;
    final Map<String, CSVRecord> rows = new LinkedHashMap<>();

    private Table(List<String> header) {
      this.header = header;
    }

    static Table read(Path file, List<String> required) throws IOException {
      if (!Files.isRegularFile(file)) {
        throw new UserInputException(file + ": no such file");
      }
      CSVFormat f = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).setIgnoreEmptyLines(true).get();
      try (Reader r = Files.newBufferedReader(file); CSVParser parser = CSVParser.parse(r, f)) {
        Table t = new Table(parser.getHeaderNames());
        for (String col : required) {
          if (!t.header.contains(col)) {
            throw new UserInputException(file + ": missing column " + col + " (columns: " + t.header + ")");
          }
        }
        for (CSVRecord row : parser) {
          String id = row.get("subject_id");
          if (t.rows.containsKey(id)) {
            throw new UserInputException(file + ":" + (row.getRecordNumber() + 1) + ": subject_id " + id + " appears twice");
          }
          t.rows.put(id, row);
        }
        if (t.rows.isEmpty()) {
          throw new UserInputException(file + ": no rows");
        }
        return t;
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new UserInputException(file + ": not a readable CSV file: " + e.getMessage());
      }
    }

    String value(String id, String column) {
      return rows.get(id).get(column);
    }

    long line(String id) {
      return rows.get(id).getRecordNumber() + 1;
    }

    double number(String id, String column, Path file) {
      String v = value(id, column);
      try {
        double d = Double.parseDouble(v);
        if (!Double.isFinite(d)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        throw new UserInputException(file + ":" + line(id) + ": " + column + " \"" + v + "\" is not a finite number");
      }
    }
  }
}
