package org.brainbench.harness.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.brainbench.tasks.seed.Seeds;

/**
 * A suite's {@code tune:} block: the same hyperparameter search for every model of every task.
 * Each trial trains the cell's model on the cell's training subjects with other training settings
 * and is scored on the cell's validation subjects (never the test subjects); the best trial's
 * settings train the cell. docs/suites.md describes the keys.
 *
 * @param search {@code grid} (every combination of the listed values) or {@code random} ({@code
 *     trials} draws: learning rate and weight decay log-uniform between the two bounds, weight decay
 *     uniform when its lower bound is 0, epochs uniform integers)
 * @param trials trials per tuning (for a grid, the grid's size)
 * @param values per tuned key ({@code learningRate}, {@code weightDecay}, {@code epochs}): the grid's
 *     values, or a random search's [low, high]
 * @param scope {@link Scope#FIRST_SEED}: tuned once per task, model, backend, fold and label fraction,
 *     on the suite's first seed, and reused for the other seeds; {@link Scope#CELL}: every cell
 * @param seed the random search's seed
 */
public record TuneSpec(Search search, int trials, Map<String, List<Double>> values, Scope scope, long seed) {
  public static final List<String> KEYS = List.of("learningRate", "weightDecay", "epochs");

  public enum Search {
    GRID,
    RANDOM;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum Scope {
    FIRST_SEED,
    CELL;

    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public TuneSpec {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The trials' settings, in the order they run: each maps tuned keys to values. */
  public List<Map<String, Double>> trialSettings() {
    List<Map<String, Double>> out = new ArrayList<>();
    if (search == Search.GRID) {
      out.add(new LinkedHashMap<>());
      for (var e : values.entrySet()) {
        List<Map<String, Double>> next = new ArrayList<>();
        for (Map<String, Double> partial : out) {
          for (double v : e.getValue()) {
            Map<String, Double> m = new LinkedHashMap<>(partial);
            m.put(e.getKey(), v);
            next.add(m);
          }
        }
        out = next;
      }
      return out;
    }
    SplittableRandom r = new SplittableRandom(Seeds.mix(seed, "tune"));
    for (int t = 0; t < trials; t++) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (var e : values.entrySet()) {
        double low = e.getValue().get(0);
        double high = e.getValue().get(1);
        double u = r.nextDouble();
        double v = switch (e.getKey()) {
          case "epochs" -> Math.floor(low + u * (high - low + 1));
          case "weightDecay" -> low == 0 ? u * high : Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
          default -> Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
        };
        m.put(e.getKey(), e.getKey().equals("epochs") ? Math.min(high, v) : v);
      }
      out.add(m);
    }
    return out;
  }
}
