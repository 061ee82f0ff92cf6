package org.brainbench.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.brainbench.api.backend.Backends;
import org.brainbench.api.backend.Batch;
import org.brainbench.api.backend.Model;
import org.brainbench.api.training.TrainingConfig;
import org.brainbench.api.parity.Parity;
import org.brainbench.api.parity.ParityCase;

/**
 * Where a DJL training step's time goes, op by op: runs a benchmark case's steps under libtorch's
 * own profiler (the one {@code torch.profiler} wraps) and sums each op's self time, so the table
 * can be set beside the PyTorch reference's ({@code reference.py profile}) name by name. A
 * sampling profiler cannot do this: libtorch runs the ops on OpenMP threads without the Java
 * frame that issued them.
 *
 * <pre>OpProfile CASE SIZE STEPS OUT.json [REFERENCE.json]</pre>
 *
 * writes {@code {"case", "size", "batch", "msPerStep", "ops": {name: {"calls", "selfMs"}}}} per step
 * (the reference writes the same shape) and prints the table, with the reference's column when given.
 */
public final class OpProfile {
  private static final int BATCH = 4;
  private static final int WARMUP = 3;

  private OpProfile() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: OpProfile CASE SIZE STEPS OUT.json [REFERENCE.json]   (cases: " + BenchCases.names(32) + ")");
      System.exit(2);
    }
    ParityCase c;
    int steps;
    try {
      c = BenchCases.find(args[0], Integer.parseInt(args[1]));
      steps = Integer.parseInt(args[2]);
    } catch (IllegalArgumentException e) { // an unknown case or a size that is not a number
      System.err.println("OpProfile: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path out = Path.of(args[3]);
    ObjectMapper json = new ObjectMapper();
    ObjectNode result = profile(c, steps, json);
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), result);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    JsonNode reference = args.length > 4 ? json.readTree(Path.of(args[4]).toFile()) : null;
    System.out.print(table(result, reference));
  }

  /** Warms up, then profiles {@code steps} training steps; per-step op totals. */
  static ObjectNode profile(ParityCase c, int steps, ObjectMapper json) throws IOException {
    TrainingConfig training = TrainingConfig.defaults();
    Batch data = Parity.batch(c.head(), BATCH, 1, true);
    Path trace = Files.createTempFile("brainbench-trace", ".json");
    long nanos;
    try (Model model = Backends.find("djl").newModel(c.spec(), c.head(), training, 1)) {
      for (int i = 0; i < WARMUP; i++) {
        model.trainStep(data, (float) training.learningRate());
      }
      JniUtils.startProfile(false, false, false);
      long start = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        model.trainStep(data, (float) training.learningRate());
      }
      nanos = System.nanoTime() - start;
      JniUtils.stopProfile(trace.toString());
    }
    Map<String, double[]> ops;
    try {
      JsonNode root = json.readTree(trace.toFile());
      // libtorch writes a bare array of events; the Chrome format also allows {"traceEvents": [...]}
      ops = selfTimes(root.isArray() ? root : root.path("traceEvents"));
    } finally {
      Files.deleteIfExists(trace);
    }
    ObjectNode result = json.createObjectNode();
    result.put("case", c.name());
    result.put("size", c.head().inputShape()[0]);
    result.put("batch", BATCH);
    result.put("msPerStep", nanos / 1e6 / steps);
    ObjectNode byOp = result.putObject("ops");
    ops.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[1]))
        .forEach(e -> byOp.putObject(e.getKey()).put("calls", e.getValue()[0] / steps).put("selfMs", e.getValue()[1] / 1000 / steps));
    return result;
  }

  /**
   * Self time (µs) and calls per op name from a Chrome trace's complete events: an event's time
   * minus that of the events nested in it on the same thread.
   */
  static Map<String, double[]> selfTimes(JsonNode events) {
    Map<Long, List<JsonNode>> byThread = new HashMap<>();
    for (JsonNode e : events) {
      if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
        byThread.computeIfAbsent(e.path("tid").asLong(), t -> new ArrayList<>()).add(e);
      }
    }
    Map<String, double[]> ops = new LinkedHashMap<>();
    for (List<JsonNode> thread : byThread.values()) {
      thread.sort(Comparator.comparingDouble((JsonNode e) -> e.path("ts").asDouble()).thenComparingDouble(e -> -e.path("dur").asDouble()));
      Deque<double[]> open = new ArrayDeque<>(); // {end, index into names}
      List<String> names = new ArrayList<>();
      List<double[]> self = new ArrayList<>();
      for (JsonNode e : thread) {
        double ts = e.path("ts").asDouble();
        double dur = e.path("dur").asDouble();
        while (!open.isEmpty() && open.peek()[0] <= ts) {
          open.pop();
        }
        if (!open.isEmpty()) {
          self.get((int) open.peek()[1])[0] -= dur;
        }
        names.add(e.path("name").asText());
        self.add(new double[] {dur});
        open.push(new double[] {ts + dur, names.size() - 1});
      }
      for (int i = 0; i < names.size(); i++) {
        double[] op = ops.computeIfAbsent(names.get(i), n -> new double[2]);
        op[0]++;
        op[1] += self.get(i)[0];
      }
    }
    return ops;
  }

  /** The ops by self time, with the reference's self time and the ratio when there is one. */
  static String table(JsonNode mine, JsonNode reference) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "%s %d³ batch %d: DJL %.1f ms/step%s%n", mine.path("case").asText(), mine.path("size").asInt(),
        mine.path("batch").asInt(), mine.path("msPerStep").asDouble(),
        reference == null ? "" : String.format(Locale.ROOT, ", PyTorch-Python %.1f ms/step", reference.path("msPerStep").asDouble())));
    s.append(String.format(Locale.ROOT, "%-48s %8s %10s", "op (self time per step)", "calls", "DJL ms"));
    if (reference != null) {
      s.append(String.format(Locale.ROOT, " %8s %10s %8s", "calls", "torch ms", "DJL-torch"));
    }
    s.append('\n');
    TreeSet<String> names = new TreeSet<>(Comparator.comparingDouble((String n) -> -Math.max(selfMs(mine, n), selfMs(reference, n)))
        .thenComparing(Comparator.naturalOrder()));
    mine.path("ops").fieldNames().forEachRemaining(names::add);
    if (reference != null) {
      reference.path("ops").fieldNames().forEachRemaining(names::add);
    }
    double shown = 0;
    for (String n : names) {
      if (Math.max(selfMs(mine, n), selfMs(reference, n)) < 0.5) {
        continue; // the long tail of bookkeeping ops
      }
      shown += selfMs(mine, n);
      s.append(String.format(Locale.ROOT, "%-48s %8.1f %10.2f", n.length() > 48 ? n.substring(0, 47) + "…" : n, calls(mine, n), selfMs(mine, n)));
      if (reference != null) {
        s.append(String.format(Locale.ROOT, " %8.1f %10.2f %+8.2f", calls(reference, n), selfMs(reference, n), selfMs(mine, n) - selfMs(reference, n)));
      }
      s.append('\n');
    }
    s.append(String.format(Locale.ROOT, "(ops under 0.5 ms per step left out; the rows shown sum to %.1f ms of DJL's step)%n", shown));
    return s.toString();
  }

  private static double selfMs(JsonNode profile, String op) {
    return profile == null ? 0 : profile.path("ops").path(op).path("selfMs").asDouble();
  }

  private static double calls(JsonNode profile, String op) {
    return profile == null ? 0 : profile.path("ops").path(op).path("calls").asDouble();
  }
}
